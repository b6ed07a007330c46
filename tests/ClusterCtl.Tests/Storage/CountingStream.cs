namespace ClusterCtl.Tests.Storage;

/// <summary>A sink that only counts, so large transfers cost no memory in tests.</summary>
internal sealed class CountingStream : Stream
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Count;

    public override long Position
    {
        get => Count;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Interlocked.Add(ref _count, count);

    public override void Write(ReadOnlySpan<byte> buffer) => Interlocked.Add(ref _count, buffer.Length);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Interlocked.Add(ref _count, buffer.Length);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
