using System.Buffers;
using System.IO.Pipelines;

namespace ClusterCtl.Storage;

/// <summary>
/// Reads its source on a task of its own, a few whole chunks ahead of the consumer, so that waiting for the network
/// and the consumer's work (deflate, hashing) overlap instead of taking turns. Chunks are filled completely, which
/// also turns the 16–32 KiB pieces an HTTP response arrives in into large reads. Memory is bounded by
/// (<c>depth</c> + 1) chunks. Disposing stops the reader and disposes the source.
/// </summary>
/// <remarks>
/// The buffer is a <see cref="Pipe"/> (pooled segments, so about 17 KiB allocated per stream where whole arrays of
/// our own cost (<c>depth</c> + 1) chunks; bench/streams.md). The task flushes only whole chunks, and a read hands
/// out at most the rest of the current chunk, so the reads a consumer sees are the chunks, as before.
/// </remarks>
internal sealed class ReadAheadStream : Stream
{
    private readonly Stream _source;
    private readonly int _chunkSize;
    private readonly Pipe _pipe;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _filler;
    private int _leftInChunk;
    private bool _disposed;

    public ReadAheadStream(Stream source, int chunkSize = 1024 * 1024, int depth = 3)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        _source = source;
        _chunkSize = chunkSize;
        _leftInChunk = chunkSize;
        // The filler stops once depth + 1 chunks wait unread, and goes on when the consumer has read a whole one:
        // the same bound and rhythm as depth + 1 buffers handed back and forth.
        _pipe = new Pipe(new PipeOptions(
            pauseWriterThreshold: (long)chunkSize * (depth + 1),
            resumeWriterThreshold: (long)chunkSize * depth + 1,
            minimumSegmentSize: Math.Min(chunkSize, 64 * 1024),
            useSynchronizationContext: false));
        _filler = Task.Run(() => FillAsync(_stop.Token));
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _source.Length;

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty)
        {
            return 0;
        }

        // What is already here is handed out without looking at the token; only waiting for the source observes it.
        // Either call rethrows the source's error, so a failed read never looks like the end of the stream.
        var reader = _pipe.Reader;
        if (!reader.TryRead(out var result))
        {
            result = await reader.ReadAsync(cancellationToken);
        }

        var available = result.Buffer;
        if (available.IsEmpty)
        {
            // Only the end of the source leaves nothing to read.
            reader.AdvanceTo(available.Start);
            return 0;
        }

        var count = (int)Math.Min(Math.Min(buffer.Length, _leftInChunk), available.Length);
        var taken = available.Slice(0, count);
        taken.CopyTo(buffer.Span);
        reader.AdvanceTo(taken.End);
        _leftInChunk -= count;
        if (_leftInChunk == 0)
        {
            _leftInChunk = _chunkSize;
        }

        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await ReleaseAsync();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ReleaseAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    private async ValueTask ReleaseAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        // Cancelling stops a read from the source; completing the reader releases a filler waiting for room.
        await _stop.CancelAsync();
        await _pipe.Reader.CompleteAsync();
        await _filler.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _stop.Dispose();
        await _source.DisposeAsync();
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        var writer = _pipe.Writer;
        try
        {
            var filled = 0;
            while (true)
            {
                // No size hint: one larger than what is left of a segment would start a new one and waste the rest.
                // Reading no further than the chunk's end keeps every flush a whole chunk.
                var memory = writer.GetMemory();
                var read = await _source.ReadAsync(memory[..Math.Min(memory.Length, _chunkSize - filled)], cancellationToken);
                writer.Advance(read);
                filled += read;
                if (read == 0 || filled == _chunkSize)
                {
                    filled = 0;
                    if ((await writer.FlushAsync(cancellationToken)).IsCompleted || read == 0)
                    {
                        break;
                    }
                }
            }

            await writer.CompleteAsync();
        }
#pragma warning disable CA1031 // Every failure is handed to the consumer, which rethrows it on its next read.
        catch (Exception e)
#pragma warning restore CA1031
        {
            await writer.CompleteAsync(e);
        }
    }
}
