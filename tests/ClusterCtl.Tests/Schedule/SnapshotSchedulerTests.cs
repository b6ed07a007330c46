using System.Text;
using ClusterCtl.Schedule;
using Microsoft.Extensions.Time.Testing;
using Serilog.Core;

namespace ClusterCtl.Tests.Schedule;

/// <summary>The scheduler loop on a fake clock with a fake tick: when ticks start, and how a stop ends them.</summary>
public class SnapshotSchedulerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    private FakeTimeProvider _time = null!;
    private ScheduleMetrics _metrics = null!;
    private CancellationTokenSource _stop = null!;

    [SetUp]
    public void StartTheClock()
    {
        _time = new FakeTimeProvider(Start);
        _metrics = new ScheduleMetrics(Interval, _time);
        _stop = new CancellationTokenSource();
    }

    [TearDown]
    public void DisposeTheStop() => _stop.Dispose();

    [Test]
    public async Task Ticks_follow_each_other_an_interval_apart_counted_from_each_ticks_start()
    {
        using var tick = new FakeSnapshotTick(_time) { Duration = TimeSpan.FromMinutes(5) };
        var loop = Scheduler(tick).RunAsync(_stop.Token);
        await tick.NextStartAsync();

        for (var i = 0; i < 3; i++)
        {
            _time.Advance(tick.Duration);
            _time.Advance(Interval - tick.Duration);
            await tick.NextStartAsync();
        }

        Assert.That(tick.Starts, Is.EqualTo(new[] { Start, Start + Interval, Start + Interval * 2, Start + Interval * 3 }));
        await StopAsync(loop);
    }

    [Test]
    public async Task A_tick_that_runs_past_the_interval_starts_the_next_one_at_once()
    {
        var overrun = TimeSpan.FromMinutes(90);
        using var tick = new FakeSnapshotTick(_time) { Duration = overrun };
        var loop = Scheduler(tick, tickTimeout: TimeSpan.FromHours(4)).RunAsync(_stop.Token);
        await tick.NextStartAsync();

        _time.Advance(overrun);
        await tick.NextStartAsync();
        _time.Advance(overrun);
        await tick.NextStartAsync();

        Assert.That(tick.Starts, Is.EqualTo(new[] { Start, Start + overrun, Start + overrun * 2 }), "one tick right after the other, never a burst of missed ones");
        Assert.That(await ExportAsync(), Does.Contain("clusterctl_snapshot_schedule_ticks_succeeded_total 2\n"));
        await StopAsync(loop);
    }

    [Test]
    public async Task With_a_recent_scheduled_snapshot_the_first_tick_waits_until_an_interval_after_it_plus_the_jitter()
    {
        using var tick = new FakeSnapshotTick(_time) { NewestScheduled = Start.AddMinutes(-20) };
        var loop = Scheduler(tick, jitter: 0.5).RunAsync(_stop.Token);

        // Jitter: half of the most there can be, which is 10% of the interval but at most 30 s.
        var first = Start.AddMinutes(40).AddSeconds(15);
        _time.SetUtcNow(first - TimeSpan.FromMilliseconds(1));
        Assert.That(tick.Starts, Is.Empty);

        _time.SetUtcNow(first);
        await tick.NextStartAsync();
        Assert.That(tick.Starts, Is.EqualTo(new[] { first }));
        await StopAsync(loop);
    }

    [Test]
    public async Task A_tick_that_runs_past_the_tick_timeout_is_cancelled_counted_as_failed_and_the_schedule_goes_on()
    {
        using var tick = new FakeSnapshotTick(_time) { Hangs = true };
        var loop = Scheduler(tick, tickTimeout: TimeSpan.FromMinutes(10)).RunAsync(_stop.Token);
        await tick.NextStartAsync();

        _time.Advance(TimeSpan.FromMinutes(10));
        _time.Advance(Interval - TimeSpan.FromMinutes(10));
        await tick.NextStartAsync();

        Assert.That(tick.Cancelled, Is.EqualTo(1));
        Assert.That(tick.Starts, Is.EqualTo(new[] { Start, Start + Interval }), "the next tick keeps to the schedule");
        Assert.That(await ExportAsync(), Does.Contain("clusterctl_snapshot_schedule_ticks_failed_total 1\n"));
        await StopAsync(loop);
    }

    [Test]
    public async Task A_stop_while_waiting_for_the_next_tick_ends_the_loop_and_no_tick_follows()
    {
        using var tick = new FakeSnapshotTick(_time);
        var loop = Scheduler(tick).RunAsync(_stop.Token);
        await tick.NextStartAsync();
        _time.Advance(TimeSpan.FromMinutes(30));

        _stop.Cancel();

        Assert.That(await loop, Is.False, "no tick was in flight");
        _time.Advance(Interval * 2);
        Assert.That(tick.Starts, Is.EqualTo(new[] { Start }));
    }

    [Test]
    public async Task A_stop_during_a_tick_lets_it_finish_within_the_grace_period()
    {
        using var tick = new FakeSnapshotTick(_time) { Duration = TimeSpan.FromSeconds(20) };
        var loop = Scheduler(tick, grace: TimeSpan.FromSeconds(30)).RunAsync(_stop.Token);
        await tick.NextStartAsync();
        _time.Advance(TimeSpan.FromSeconds(5));

        _stop.Cancel();
        Assert.That(loop.IsCompleted, Is.False, "the tick in progress is given its grace");
        _time.Advance(TimeSpan.FromSeconds(15));

        Assert.That(await loop, Is.False, "the tick finished, nothing was cancelled");
        Assert.That(tick.Cancelled, Is.Zero);
        Assert.That(await ExportAsync(), Does.Contain("clusterctl_snapshot_schedule_ticks_succeeded_total 1\n"));
    }

    [Test]
    public async Task A_stop_during_a_tick_that_outlasts_the_grace_period_cancels_it_when_the_grace_runs_out()
    {
        using var tick = new FakeSnapshotTick(_time) { Hangs = true };
        var loop = Scheduler(tick, grace: TimeSpan.FromSeconds(30)).RunAsync(_stop.Token);
        await tick.NextStartAsync();

        _stop.Cancel();
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.That(loop.IsCompleted, Is.False);
        Assert.That(tick.Cancelled, Is.Zero);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(await loop, Is.True, "the tick in progress was cancelled");
        Assert.That(tick.Cancelled, Is.EqualTo(1));
    }

    [Test]
    public async Task With_no_grace_a_stop_cancels_the_tick_in_progress_at_once()
    {
        using var tick = new FakeSnapshotTick(_time) { Hangs = true };
        var loop = Scheduler(tick, grace: TimeSpan.Zero).RunAsync(_stop.Token);
        await tick.NextStartAsync();

        _stop.Cancel();

        Assert.That(await loop, Is.True);
        Assert.That(tick.Cancelled, Is.EqualTo(1));
    }

    [Test]
    public async Task Stopping_the_hosted_service_cancels_the_tick_in_progress_once_the_grace_runs_out_and_ends_the_loop()
    {
        using var tick = new FakeSnapshotTick(_time) { Hangs = true };
        using var scheduler = Scheduler(tick, grace: TimeSpan.FromSeconds(30));
        await scheduler.StartAsync(CancellationToken.None);
        await tick.NextStartAsync();

        var stopped = scheduler.StopAsync(CancellationToken.None);
        Assert.That(stopped.IsCompleted, Is.False, "the host waits for the loop");
        _time.Advance(TimeSpan.FromSeconds(30));
        await stopped;

        Assert.That(scheduler.ExecuteTask!.IsCompletedSuccessfully, Is.True);
        Assert.That(scheduler.CancelledInFlight, Is.True);
        Assert.That(tick.Cancelled, Is.EqualTo(1));
    }

    private SnapshotScheduler Scheduler(FakeSnapshotTick tick, TimeSpan? grace = null, TimeSpan? tickTimeout = null, double jitter = 0) =>
        new(new SnapshotSchedule(Interval), tick, _metrics, grace ?? TimeSpan.FromSeconds(30), tickTimeout ?? TimeSpan.FromMinutes(30), _time, () => jitter, Logger.None);

    /// <summary>Stops the loop and lets the grace period run out, so that the loop ends whatever it was doing.</summary>
    private async Task StopAsync(Task<bool> loop)
    {
        _stop.Cancel();
        _time.Advance(TimeSpan.FromSeconds(30));
        await loop;
    }

    private async Task<string> ExportAsync()
    {
        using var body = new MemoryStream();
        await _metrics.ExportAsync(body, CancellationToken.None);
        return Encoding.UTF8.GetString(body.ToArray());
    }
}
