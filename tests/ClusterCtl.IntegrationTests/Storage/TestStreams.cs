namespace ClusterCtl.IntegrationTests.Storage;

/// <summary>A read-only stream that cannot seek, like a socket or a pipe.</summary>
internal class UnseekableReadStream(byte[] data) : Stream
{
    protected long Offset { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        BeforeRead();
        var count = (int)Math.Min(buffer.Length, data.Length - Offset);
        data.AsSpan((int)Offset, count).CopyTo(buffer);
        Offset += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected virtual void BeforeRead()
    {
    }
}

/// <summary>Fails with "source failed" once <c>failAt</c> bytes were read, and reports each read's position.</summary>
internal sealed class FailingReadStream(byte[] data, long? failAt, Action<long>? onRead = null) : UnseekableReadStream(data)
{
    protected override void BeforeRead()
    {
        onRead?.Invoke(Offset);
        if (Offset >= failAt)
        {
            throw new IOException("source failed");
        }
    }
}
