using System.Globalization;

namespace ClusterCtl.Docker;

/// <summary>
/// Presents exactly <see cref="Length"/> bytes of a possibly unseekable source as a "seekable" stream.
/// TarWriter must know an entry's size before writing its header: with a truly unseekable data stream it
/// either needs a seekable archive (an HTTP request body is not) or, for PAX, buffers the whole entry in
/// memory. Declaring the length up front keeps the copy streaming. Only the no-op seek is allowed, and a
/// source that ends early is an error rather than a silently short tar entry.
/// </summary>
internal sealed class ExactLengthReadStream : Stream
{
    private readonly Stream _source;
    private readonly long _length;
    private long _position;

    public ExactLengthReadStream(Stream source, long length)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _source = source;
        _length = length;
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var wanted = Wanted(buffer.Length);
        if (wanted == 0)
        {
            return 0;
        }

        return Advance(_source.Read(buffer[..wanted]));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var wanted = Wanted(buffer.Length);
        if (wanted == 0)
        {
            return 0;
        }

        return Advance(await _source.ReadAsync(buffer[..wanted], cancellationToken));
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        if (target != _position)
        {
            throw new NotSupportedException("This stream only reads forward.");
        }

        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Wanted(int bufferLength) => (int)Math.Min(bufferLength, _length - _position);

    private int Advance(int read)
    {
        if (read == 0)
        {
            throw new EndOfStreamException(string.Create(
                CultureInfo.InvariantCulture, $"the content ended after {_position} of the {_length} bytes announced"));
        }

        _position += read;
        return read;
    }
}
