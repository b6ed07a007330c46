using ClusterCtl.Schedule;

namespace ClusterCtl.Tests.Schedule;

/// <summary>
/// A tick that takes no snapshot: it notes when it started and then runs for <see cref="Duration"/> on the given
/// clock, or, when it <see cref="Hangs"/>, until it is cancelled. It reports a success for every tick it finishes.
/// </summary>
internal sealed class FakeSnapshotTick(TimeProvider time) : ISnapshotTick, IDisposable
{
    private readonly Lock _lock = new();
    private readonly List<DateTimeOffset> _starts = [];
    private readonly SemaphoreSlim _startSignal = new(0);
    private int _cancelled;

    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(1);

    public bool Hangs { get; init; }

    /// <summary>What the listing at start finds; null: no scheduled snapshot yet.</summary>
    public DateTimeOffset? NewestScheduled { get; init; }

    /// <summary>When each tick started, in order.</summary>
    public IReadOnlyList<DateTimeOffset> Starts
    {
        get
        {
            lock (_lock)
            {
                return [.. _starts];
            }
        }
    }

    /// <summary>Ticks that ended because their cancellation token was cancelled.</summary>
    public int Cancelled => Volatile.Read(ref _cancelled);

    /// <summary>
    /// Waits for the next tick to start. A cancelled wait resumes the scheduler on another thread, so a test waits for
    /// what it expects rather than assuming it already happened; the bound only turns a broken loop into a failure.
    /// </summary>
    public async Task NextStartAsync()
    {
        if (!await _startSignal.WaitAsync(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException("no tick started");
        }
    }

    public Task<(DateTimeOffset? Newest, int Count)> FindScheduledAsync(CancellationToken cancellationToken) =>
        Task.FromResult((NewestScheduled, NewestScheduled is null ? 0 : 1));

    public async Task<TickResult> RunAsync(CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        lock (_lock)
        {
            _starts.Add(startedAt);
        }

        _startSignal.Release();
        try
        {
            await Task.Delay(Hangs ? Timeout.InfiniteTimeSpan : Duration, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _cancelled);
            throw;
        }

        return new TickResult(TickOutcome.Succeeded, Name(startedAt), startedAt, time.GetUtcNow() - startedAt, 4096, 4, 1, 0, null);
    }

    public TickResult TimedOut(TimeSpan timeout)
    {
        var startedAt = Starts[^1];
        return new TickResult(TickOutcome.Failed, Name(startedAt), startedAt, time.GetUtcNow() - startedAt, 0, 0, 0, 0, $"took longer than {timeout}");
    }

    public void Dispose() => _startSignal.Dispose();

    private static string Name(DateTimeOffset startedAt) => ScheduledSnapshotName.For("test", startedAt);
}
