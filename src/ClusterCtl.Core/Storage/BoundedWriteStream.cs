namespace ClusterCtl.Storage;

/// <summary>
/// Passes writes through to another stream up to a limit, and refuses the write that would cross it before any of its
/// bytes pass: what lands in the etcd data dir can never be more than the preflight checked the disk for, whatever a
/// zip's headers claimed. The inner stream is not disposed with this one.
/// </summary>
internal sealed class BoundedWriteStream(Stream inner, long limit) : Stream
{
    private long _written;

    public long Limit => limit;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Admit(buffer.Length);
        inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Admit(buffer.Length);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Admit(int count)
    {
        if (count > limit - _written)
        {
            throw new WriteLimitExceededException(limit);
        }

        _written += count;
    }
}
