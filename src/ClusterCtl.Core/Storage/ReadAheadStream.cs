using System.Threading.Channels;

namespace ClusterCtl.Storage;

/// <summary>
/// Reads its source on a task of its own, a few whole chunks ahead of the consumer, so that waiting for the network
/// and the consumer's work (deflate, hashing) overlap instead of taking turns. Chunks are filled completely, which
/// also turns the 16–32 KiB pieces an HTTP response arrives in into large reads. Memory is bounded by
/// (<c>depth</c> + 1) chunks. Disposing stops the reader and disposes the source.
/// </summary>
internal sealed class ReadAheadStream : AsyncReadOnlyStream
{
    private readonly Stream _source;
    private readonly Channel<(byte[] Buffer, int Length)> _filled;
    private readonly Channel<byte[]> _free;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private byte[]? _current;
    private int _currentLength;
    private int _currentOffset;
    private bool _disposed;

    public ReadAheadStream(Stream source, int chunkSize = 1024 * 1024, int depth = 3)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        _source = source;
        _filled = Channel.CreateBounded<(byte[], int)>(depth);
        _free = Channel.CreateUnbounded<byte[]>();
        for (var i = 0; i < depth + 1; i++)
        {
            _free.Writer.TryWrite(new byte[chunkSize]);
        }

        _reader = Task.Run(() => FillAsync(_stop.Token));
    }

    public override long Length => _source.Length;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_current is null || _currentOffset == _currentLength)
        {
            if (_current is not null)
            {
                _free.Writer.TryWrite(_current);
                _current = null;
            }

            // Rethrows the source's error, so a failed read never looks like the end of the stream.
            if (!await _filled.Reader.WaitToReadAsync(cancellationToken) || !_filled.Reader.TryRead(out var chunk))
            {
                return 0;
            }

            (_current, _currentLength, _currentOffset) = (chunk.Buffer, chunk.Length, 0);
        }

        var count = Math.Min(buffer.Length, _currentLength - _currentOffset);
        _current.AsMemory(_currentOffset, count).CopyTo(buffer);
        _currentOffset += count;
        return count;
    }

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
        await _reader.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _stop.Dispose();
        await _source.DisposeAsync();
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var buffer = await _free.Reader.ReadAsync(cancellationToken);
                var length = await _source.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
                if (length > 0)
                {
                    await _filled.Writer.WriteAsync((buffer, length), cancellationToken);
                }

                if (length < buffer.Length)
                {
                    _filled.Writer.TryComplete();
                    return;
                }
            }
        }
#pragma warning disable CA1031 // Every failure is handed to the consumer, which rethrows it on its next read.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _filled.Writer.TryComplete(e);
        }
    }
}
