using System.Diagnostics;
using System.Threading.Channels;

namespace ClusterCtl.Storage;

/// <summary>
/// A write-only stream that delivers every byte written to it to several destinations at once, so that a snapshot is
/// read once and written to every node and to S3 at the same time. Each destination has its own bounded
/// buffer (<see cref="FanOutChannel"/>), so a slow one slows the writer instead of growing memory, and memory
/// stays at destinations × chunks × chunk size whatever the snapshot's size. A destination that fails is detached
/// and its error kept; the others go on. <see cref="CompleteAsync"/> ends the stream and reports each one.
/// </summary>
internal sealed class FanOutStream : Stream
{
    public const int DefaultChunkSize = 512 * 1024;
    public const int DefaultChunksPerDestination = 4;

    private readonly Lane[] _lanes;
    private readonly CancellationTokenSource _cancellation;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private bool _ended;

    /// <param name="cancellationToken">Cancels the writer and every destination.</param>
    public FanOutStream(
        IEnumerable<FanOutDestination> destinations,
        CancellationToken cancellationToken,
        int chunkSize = DefaultChunkSize,
        int chunksPerDestination = DefaultChunksPerDestination)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunksPerDestination, 1);

        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _lanes = [.. destinations.Select(d => new Lane(d, new FanOutChannel(chunkSize, chunksPerDestination)))];
        if (_lanes.Length == 0)
        {
            throw new ArgumentException("a fan-out needs at least one destination", nameof(destinations));
        }

        foreach (var lane in _lanes)
        {
            lane.Consumer = Task.Run(() => RunDestinationAsync(lane), CancellationToken.None);
        }
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesWritten;
        set => throw new NotSupportedException();
    }

    /// <summary>Bytes written to the fan-out so far.</summary>
    public long BytesWritten { get; private set; }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_ended, this);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cancellation.Token);
        var active = 0;
        foreach (var lane in _lanes)
        {
            if (lane.Detached)
            {
                continue;
            }

            try
            {
                // Sequential awaits, concurrent destinations: each drains on its own task meanwhile.
                await lane.Channel.WriteAsync(buffer, linked.Token);
                active++;
            }
            catch (ChannelClosedException)
            {
                // The destination stopped reading; its task records why.
                lane.Detached = true;
            }
        }

        BytesWritten += buffer.Length;
        // Cancelled while waiting: a destination that stopped because of it detaches, and the write would otherwise
        // complete on the others as if nothing happened. Destinations that ended because of cancellation are not
        // failures of their own either. The fan-out's own token is asked too: a destination can stop because of it
        // (its cancellation callback runs first) before the per-write linked source has heard of it.
        linked.Token.ThrowIfCancellationRequested();
        _cancellation.Token.ThrowIfCancellationRequested();
        if (active == 0)
        {
            var firstError = (await Task.WhenAll(_lanes.Select(l => l.Consumer!))).Select(r => r.Error).FirstOrDefault(e => e is not null);
            throw new IOException($"every destination failed: {firstError?.Message ?? "they stopped reading"}", firstError);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // ZipArchive flushes each entry's last deflate block through the synchronous path; those writes are small.
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(ReadOnlySpan<byte> buffer) => WriteAsync(buffer.ToArray()).AsTask().GetAwaiter().GetResult();

    /// <summary>Nothing to do: chunks go out when full, and the last one at <see cref="CompleteAsync"/>.</summary>
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Ends the stream for every destination, waits for them, and reports each one.</summary>
    public async Task<IReadOnlyList<FanOutResult>> CompleteAsync(CancellationToken cancellationToken)
    {
        return await EndAsync(error: null, cancellationToken);
    }

    /// <summary>
    /// Ends the stream with an error: destinations see their read fail with <paramref name="reason"/> and so
    /// never take a partial stream for a whole one (an upload aborts instead of completing).
    /// </summary>
    public async Task<IReadOnlyList<FanOutResult>> AbortAsync(Exception reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return await EndAsync(reason, cancellationToken);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_ended)
        {
            await EndAsync(new IOException("the fan-out was disposed before its source ended"), CancellationToken.None);
        }

        _cancellation.Dispose();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_ended)
        {
            EndAsync(new IOException("the fan-out was disposed before its source ended"), CancellationToken.None).GetAwaiter().GetResult();
            _cancellation.Dispose();
        }

        base.Dispose(disposing);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private async Task<IReadOnlyList<FanOutResult>> EndAsync(Exception? error, CancellationToken cancellationToken)
    {
        if (!_ended)
        {
            _ended = true;
            foreach (var lane in _lanes)
            {
                lane.Channel.Complete(error);
            }
        }

        await using var registration = cancellationToken.Register(() => _cancellation.Cancel());
        var results = await Task.WhenAll(_lanes.Select(l => l.Consumer!));

        // A destination that returned without reading to the end would otherwise pass for one that got everything.
        return [.. results.Select(r => r.Error is null && r.BytesWritten != BytesWritten
            ? r with { Error = new IOException($"{r.Name} stopped reading after {r.BytesWritten} of {BytesWritten} bytes") }
            : r)];
    }

    private async Task<FanOutResult> RunDestinationAsync(Lane lane)
    {
        Exception? error = null;
        try
        {
            await lane.Destination.Consume(lane.Channel.Reader, _cancellation.Token);
        }
#pragma warning disable CA1031 // A destination's failure of any kind is recorded for its result, never allowed to stop the others.
        catch (Exception e)
#pragma warning restore CA1031
        {
            error = e;
        }
        finally
        {
            lane.Channel.Close();
        }

        return new FanOutResult(lane.Destination.Name, lane.Channel.Delivered, _clock.Elapsed, error);
    }

    private sealed class Lane(FanOutDestination destination, FanOutChannel channel)
    {
        public FanOutDestination Destination { get; } = destination;
        public FanOutChannel Channel { get; } = channel;
        public Task<FanOutResult>? Consumer { get; set; }
        public bool Detached { get; set; }
    }
}
