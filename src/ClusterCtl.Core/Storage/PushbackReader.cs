namespace ClusterCtl.Storage;

/// <summary>
/// A buffered reader over a stream that cannot seek, where bytes read too far can be handed back: a zip entry
/// with a data descriptor has no length up front, so its end is only found after reading past it.
/// </summary>
internal sealed class PushbackReader
{
    private const int BufferSize = 64 * 1024;

    private readonly Stream _source;
    private byte[] _buffer = new byte[BufferSize];
    private int _start;
    private int _end;

    public PushbackReader(Stream source)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
    }

    /// <summary>Reads up to <paramref name="destination"/>.Length bytes; 0 only at the end of the source.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (destination.IsEmpty)
        {
            return 0;
        }

        if (_start == _end)
        {
            // Large reads bypass the buffer: the db is most of an artifact and needs no extra copy.
            if (destination.Length >= BufferSize)
            {
                return await _source.ReadAsync(destination, cancellationToken);
            }

            _start = 0;
            _end = await _source.ReadAsync(_buffer, cancellationToken);
            if (_end == 0)
            {
                return 0;
            }
        }

        var count = Math.Min(destination.Length, _end - _start);
        _buffer.AsMemory(_start, count).CopyTo(destination);
        _start += count;
        return count;
    }

    /// <summary>Reads until <paramref name="destination"/> is full or the source ends; returns the bytes read.</summary>
    public async ValueTask<int> ReadAtMostAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var read = await ReadAsync(destination[total..], cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    public async ValueTask ReadExactlyAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (await ReadAtMostAsync(destination, cancellationToken) < destination.Length)
        {
            throw new EndOfStreamException("the artifact ends in the middle of a zip record");
        }
    }

    public async ValueTask SkipAsync(long count, CancellationToken cancellationToken)
    {
        var scratch = new byte[(int)Math.Min(count, BufferSize)];
        while (count > 0)
        {
            var read = await ReadAsync(scratch.AsMemory(0, (int)Math.Min(count, scratch.Length)), cancellationToken);
            if (read == 0)
            {
                throw new EndOfStreamException("the artifact ends in the middle of a zip entry");
            }

            count -= read;
        }
    }

    /// <summary>Puts bytes back so that the next read returns them first, in order.</summary>
    public void Unread(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length <= _start)
        {
            _start -= bytes.Length;
            bytes.CopyTo(_buffer.AsSpan(_start));
            return;
        }

        var remaining = _end - _start;
        var merged = new byte[Math.Max(BufferSize, bytes.Length + remaining)];
        bytes.CopyTo(merged);
        _buffer.AsSpan(_start, remaining).CopyTo(merged.AsSpan(bytes.Length));
        _buffer = merged;
        _start = 0;
        _end = bytes.Length + remaining;
    }
}
