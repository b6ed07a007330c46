namespace ClusterCtl.Testing;

/// <summary>
/// A read-only stream over bytes that cannot seek, like a socket or a pipe; with <c>maxBytesPerRead</c> it hands out a
/// few bytes a read, like a slow socket, to prove readers reassemble.
/// </summary>
internal class UnseekableReadStream(byte[] data, int maxBytesPerRead = int.MaxValue) : Stream
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
        var count = (int)Math.Min(Math.Min(buffer.Length, maxBytesPerRead), data.Length - Offset);
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

/// <summary>A write-only stream that cannot seek, like a socket or a pipe, over a MemoryStream the test reads afterwards.</summary>
internal sealed class UnseekableWriteStream(Stream inner) : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}

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
