using System.IO.Pipelines;

namespace ClusterCtl.StreamBench;

/// <summary>
/// The candidate replacement for ReadAheadStream on System.IO.Pipelines, with the same surface and promises: a task
/// reads the source ahead of the consumer, hands it over a chunk at a time, holds at most (<c>depth</c> + 1) chunks,
/// fails the consumer with the source's error, and stops and disposes the source when disposed.
/// </summary>
internal sealed class PipeReadAheadStream : Stream
{
    private readonly Stream _source;
    private readonly Pipe _pipe;
    private readonly Stream _reader;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _producer;
    private bool _disposed;

    public PipeReadAheadStream(Stream source, int chunkSize = 1024 * 1024, int depth = 3)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        _source = source;
        _pipe = new Pipe(new PipeOptions(
            pauseWriterThreshold: (long)chunkSize * depth, resumeWriterThreshold: (long)chunkSize * depth, minimumSegmentSize: Math.Min(chunkSize, 64 * 1024), useSynchronizationContext: false));
        _reader = _pipe.Reader.AsStream();
        _producer = Task.Run(() => FillAsync(chunkSize, _stop.Token));
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

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _reader.ReadAsync(buffer, cancellationToken);
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
        await _stop.CancelAsync();
        await _pipe.Reader.CompleteAsync();
        await _producer.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _stop.Dispose();
        await _source.DisposeAsync();
    }

    private async Task FillAsync(int chunkSize, CancellationToken cancellationToken)
    {
        var writer = _pipe.Writer;
        try
        {
            var unflushed = 0;
            while (true)
            {
                // No size hint: a hint larger than what is left of a segment would start a new one and waste the rest.
                var read = await _source.ReadAsync(writer.GetMemory(), cancellationToken);
                writer.Advance(read);
                unflushed += read;
                if (read == 0 || unflushed >= chunkSize)
                {
                    unflushed = 0;
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
