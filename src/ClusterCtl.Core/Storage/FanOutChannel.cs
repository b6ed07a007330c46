using System.Threading.Channels;

namespace ClusterCtl.Storage;

/// <summary>
/// The bounded buffer between a <see cref="FanOutStream"/> and one destination: a fixed set of chunks that go
/// round between a free list and a filled queue. The writer waits for a free chunk, which is the back-pressure;
/// memory is the chunks allocated up front, whatever the size of the stream.
/// </summary>
internal sealed class FanOutChannel
{
    private readonly int _chunkSize;
    private readonly Channel<byte[]> _free;
    private readonly Channel<(byte[] Buffer, int Length)> _filled;
    private byte[]? _writing;
    private int _writingLength;
    private bool _closed;

    public FanOutChannel(int chunkSize, int chunkCount)
    {
        _chunkSize = chunkSize;
        _free = Channel.CreateBounded<byte[]>(chunkCount);
        _filled = Channel.CreateBounded<(byte[], int)>(chunkCount);
        for (var i = 0; i < chunkCount; i++)
        {
            _free.Writer.TryWrite(new byte[chunkSize]);
        }

        Reader = new ReadSide(this);
    }

    /// <summary>What the destination reads from; it ends when the writer completes.</summary>
    public Stream Reader { get; }

    /// <summary>Bytes the destination read.</summary>
    public long Delivered => ((ReadSide)Reader).Delivered;

    /// <summary>Set once the destination stopped reading, for whatever reason; further writes fail at once.</summary>
    public bool IsClosed => Volatile.Read(ref _closed);

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            if (IsClosed)
            {
                throw new ChannelClosedException();
            }

            _writing ??= await _free.Reader.ReadAsync(cancellationToken);
            var count = Math.Min(data.Length, _chunkSize - _writingLength);
            data[..count].CopyTo(_writing.AsMemory(_writingLength));
            _writingLength += count;
            data = data[count..];
            if (_writingLength == _chunkSize)
            {
                await _filled.Writer.WriteAsync((_writing, _writingLength), cancellationToken);
                _writing = null;
                _writingLength = 0;
            }
        }
    }

    /// <summary>Hands over the last partial chunk and ends the destination's stream, or fails it with <paramref name="error"/>.</summary>
    public void Complete(Exception? error)
    {
        if (error is null && _writing is not null && _writingLength > 0 && !IsClosed)
        {
            // Cannot block: at most chunkCount chunks exist, and this one is not in the queue.
            _filled.Writer.TryWrite((_writing, _writingLength));
            _writing = null;
        }

        _filled.Writer.TryComplete(error);
    }

    /// <summary>The destination stopped reading: wake a writer waiting for a free chunk and refuse further writes.</summary>
    public void Close()
    {
        Volatile.Write(ref _closed, true);
        _free.Writer.TryComplete();
        while (_free.Reader.TryRead(out _))
        {
        }
    }

    private sealed class ReadSide(FanOutChannel channel) : AsyncReadOnlyStream
    {
        private byte[]? _reading;
        private int _readingLength;
        private int _readingOffset;

        public long Delivered { get; private set; }

        public override long Position => Delivered;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (buffer.IsEmpty)
            {
                return 0;
            }

            if (_reading is null || _readingOffset == _readingLength)
            {
                if (_reading is not null)
                {
                    channel._free.Writer.TryWrite(_reading);
                    _reading = null;
                }

                // Throws the writer's error, if it failed, so a consumer never mistakes an aborted stream for a whole one.
                if (!await channel._filled.Reader.WaitToReadAsync(cancellationToken) || !channel._filled.Reader.TryRead(out var chunk))
                {
                    return 0;
                }

                (_reading, _readingLength, _readingOffset) = (chunk.Buffer, chunk.Length, 0);
            }

            var count = Math.Min(buffer.Length, _readingLength - _readingOffset);
            _reading.AsMemory(_readingOffset, count).CopyTo(buffer);
            _readingOffset += count;
            Delivered += count;
            return count;
        }
    }
}
