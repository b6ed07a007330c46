using Microsoft.Extensions.Hosting;
using ClusterCtl.Logging;
using Serilog;

namespace ClusterCtl.Schedule;

/// <summary>
/// The scheduler loop, run as a hosted service: catch-up at start, then one tick per interval (plus jitter) until the
/// host stops. A stop lets an in-flight tick finish within <paramref name="shutdownGrace"/>, then cancels it; the saver
/// removes its partial files and helpers on cancellation, so either way nothing is left behind.
/// </summary>
/// <remarks>
/// A tick that runs longer than <paramref name="tickTimeout"/> (an SSH session or an upload that hangs) is cancelled the
/// same way and counted as failed, so one stuck tick cannot stop the schedule. Every clock reading, wait and timeout
/// goes through <paramref name="time"/>, and the jitter comes from <paramref name="jitterFraction"/>, so tests can run
/// the loop on a fake clock.
/// </remarks>
internal sealed class SnapshotScheduler(
    SnapshotSchedule schedule, ISnapshotTick tick, ScheduleMetrics metrics, TimeSpan shutdownGrace, TimeSpan tickTimeout,
    TimeProvider time, Func<double> jitterFraction, ILogger logger) : BackgroundService
{
    private readonly ILogger _log = logger.ForScope("schedule");

    /// <summary>Set when the loop has ended: true when an in-flight tick had to be cancelled at shutdown.</summary>
    public bool CancelledInFlight { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken) => CancelledInFlight = await RunAsync(stoppingToken);

    /// <summary>Runs until <paramref name="stopping"/> is cancelled. Returns true when an in-flight tick had to be cancelled.</summary>
    public async Task<bool> RunAsync(CancellationToken stopping)
    {
        var next = await FirstTickAsync(stopping);
        while (!stopping.IsCancellationRequested)
        {
            if (!await DelayUntilAsync(next, stopping))
            {
                break;
            }

            // Both on the scheduler's clock, so that the grace period and the timeout run on a fake clock in tests.
            using var tickCancellation = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
            using var tickTimedOut = new CancellationTokenSource(tickTimeout, time);
            using var tickToken = CancellationTokenSource.CreateLinkedTokenSource(tickCancellation.Token, tickTimedOut.Token);
            await using var onStop = stopping.Register(() =>
            {
                _log.Information("Stopping: letting the snapshot in progress finish for up to {GraceSeconds}s", shutdownGrace.TotalSeconds);
                tickCancellation.CancelAfter(shutdownGrace);
            });

            TickResult result;
            try
            {
                result = await tick.RunAsync(tickToken.Token);
            }
            catch (OperationCanceledException) when (tickCancellation.IsCancellationRequested)
            {
                _log.Warning("The snapshot in progress was cancelled at shutdown after {GraceSeconds}s; its partial files and helpers were removed",
                    shutdownGrace.TotalSeconds);
                return true;
            }
            catch (OperationCanceledException) when (tickTimedOut.IsCancellationRequested)
            {
                result = tick.TimedOut(tickTimeout);
            }

            metrics.Record(result);
            LogTick(result);
            next = schedule.NextTick(result.StartedAt, time.GetUtcNow(), jitterFraction());
            if (!stopping.IsCancellationRequested)
            {
                _log.Debug("Next tick at {Next:u}", next);
            }
        }

        return false;
    }

    private async Task<DateTimeOffset> FirstTickAsync(CancellationToken stopping)
    {
        var now = time.GetUtcNow();
        try
        {
            var (newest, count) = await tick.FindScheduledAsync(stopping);
            metrics.SetRetained(count);
            var first = schedule.FirstTick(now, newest, jitterFraction());
            _log.Information("Every {IntervalSeconds}s; {Count} scheduled snapshots, newest {Newest}; {Decision}",
                schedule.Interval.TotalSeconds, count, newest?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "none",
                first <= now ? "catching up: taking one now" : $"first tick at {first:u}");
            return first;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped while listing: the loop ends before any tick, and the stop is still a clean one (exit 0).
            return now;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Without a listing we cannot tell how old the newest is: a snapshot now is the safe side.
            _log.Warning("Could not list existing snapshots ({Error}); taking one now", e.Message);
            return now;
        }
    }

    private async Task<bool> DelayUntilAsync(DateTimeOffset when, CancellationToken stopping)
    {
        var wait = when - time.GetUtcNow();
        try
        {
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, stopping);
            }

            return !stopping.IsCancellationRequested;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void LogTick(TickResult result)
    {
        switch (result.Outcome)
        {
            case TickOutcome.Succeeded:
                _log.Information(
                    "Tick {Outcome}: {Name} in {DurationSeconds:0.0}s, {SizeBytes} bytes, {Copies} copies{Verified:l}; {Retained} scheduled kept, {Pruned} pruned",
                    result.Outcome, result.Name, result.Duration.TotalSeconds, result.SizeBytes, result.Copies,
                    result.VerifiedAt is null ? "" : ", verified by a restore drill", result.Retained, result.Pruned);
                break;
            case TickOutcome.Skipped:
                _log.Warning("Tick {Outcome}: {Name} not taken after {DurationSeconds:0.0}s: {Error}",
                    result.Outcome, result.Name, result.Duration.TotalSeconds, result.Error);
                break;
            default:
                _log.Error("Tick {Outcome}: {Name} after {DurationSeconds:0.0}s, {SizeBytes} bytes, {Copies} copies: {Error}",
                    result.Outcome, result.Name, result.Duration.TotalSeconds, result.SizeBytes, result.Copies, result.Error);
                break;
        }
    }
}
