using System.Buffers.Binary;
using System.Globalization;

namespace ClusterCtl.Docker;

/// <summary>
/// Splits docker's multiplexed stdout/stderr stream (logs and attach of a container without a TTY).
/// Each frame is an 8-byte header (stream type, three zero bytes, big-endian uint32 payload length)
/// followed by the payload. Frames are handed out in caller-sized chunks, never whole, so a huge
/// frame does not make us allocate a huge buffer.
/// </summary>
internal sealed class MultiplexedStreamReader
{
    public const int HeaderLength = 8;

    private readonly Stream _source;
    private readonly byte[] _header = new byte[HeaderLength];
    private StdStreamKind _currentKind;
    private long _remainingInFrame;

    public MultiplexedStreamReader(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
    }

    /// <summary>
    /// Reads up to <paramref name="buffer"/>.Length payload bytes of the current frame into the buffer.
    /// Returns null when the stream ends cleanly between frames; throws <see cref="InvalidDataException"/>
    /// when it ends inside a header or payload, or a header is not a multiplexing header.
    /// </summary>
    public async ValueTask<MultiplexedChunk?> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (buffer.IsEmpty)
        {
            throw new ArgumentException("The buffer must not be empty.", nameof(buffer));
        }

        // Zero-length frames are legal; skip them rather than hand out empty chunks.
        while (_remainingInFrame == 0)
        {
            if (!await ReadHeaderAsync(cancellationToken))
            {
                return null;
            }
        }

        var wanted = (int)Math.Min(buffer.Length, _remainingInFrame);
        var read = await _source.ReadAsync(buffer[..wanted], cancellationToken);
        if (read == 0)
        {
            throw new InvalidDataException(string.Create(
                CultureInfo.InvariantCulture,
                $"the multiplexed stream ended inside a {_currentKind} frame, {_remainingInFrame} bytes short"));
        }

        _remainingInFrame -= read;
        return new MultiplexedChunk(_currentKind, read);
    }

    private async ValueTask<bool> ReadHeaderAsync(CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < HeaderLength)
        {
            var read = await _source.ReadAsync(_header.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                if (filled == 0)
                {
                    return false;
                }

                throw new InvalidDataException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"the multiplexed stream ended inside a frame header ({filled} of {HeaderLength} bytes)"));
            }

            filled += read;
        }

        var kind = _header[0];
        if (kind > (byte)StdStreamKind.SystemError || _header[1] != 0 || _header[2] != 0 || _header[3] != 0)
        {
            throw new InvalidDataException(
                "the stream is not multiplexed (bad frame header); was the container created with a TTY?");
        }

        _currentKind = (StdStreamKind)kind;
        _remainingInFrame = BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(4));
        return true;
    }
}
