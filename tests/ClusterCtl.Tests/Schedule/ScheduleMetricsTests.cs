using System.Text;
using ClusterCtl.Schedule;
using Microsoft.Extensions.Time.Testing;

namespace ClusterCtl.Tests.Schedule;

public class ScheduleMetricsTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private FakeTimeProvider _time = null!;

    [SetUp]
    public void StartTheClock() => _time = new FakeTimeProvider(Start);

    [Test]
    public async Task Counters_and_the_last_success_follow_the_ticks()
    {
        var metrics = new ScheduleMetrics(TimeSpan.FromMinutes(1), _time);
        metrics.Record(Tick(TickOutcome.Succeeded, Start.AddSeconds(1), seconds: 2.5, size: 4096, retained: 3));
        metrics.Record(Tick(TickOutcome.Failed, Start.AddSeconds(61), seconds: 1, size: 0, retained: 0));
        metrics.Record(Tick(TickOutcome.Skipped, Start.AddSeconds(121), seconds: 0.2, size: 0, retained: 0));

        _time.SetUtcNow(Start.AddSeconds(122));
        var text = await RenderAsync(metrics);

        Assert.That(text, Does.Contain("clusterctl_snapshot_schedule_ticks_succeeded_total 1\n"));
        Assert.That(text, Does.Contain("clusterctl_snapshot_schedule_ticks_failed_total 1\n"));
        Assert.That(text, Does.Contain("clusterctl_snapshot_schedule_ticks_skipped_total 1\n"));
        Assert.That(text, Does.Contain("clusterctl_snapshot_schedule_last_duration_seconds 2.5\n"), "a failed tick leaves the last success's figures");
        Assert.That(text, Does.Contain("clusterctl_snapshot_schedule_last_size_bytes 4096\n"));
        Assert.That(text, Does.Contain("clusterctl_snapshot_schedule_snapshots_retained 3\n"));
        Assert.That(text, Does.Contain($"clusterctl_snapshot_schedule_last_success_timestamp_seconds {Start.AddSeconds(3.5).ToUnixTimeSeconds()}.5\n"));
    }

    [Test]
    public async Task A_failed_drill_counts_as_a_verify_failure_and_the_last_verified_time_stays()
    {
        var metrics = new ScheduleMetrics(TimeSpan.FromMinutes(1), _time);
        metrics.Record(Tick(TickOutcome.Succeeded, Start, seconds: 1, size: 1, retained: 1) with { VerifiedAt = Start.AddSeconds(5) });
        metrics.Record(Tick(TickOutcome.Failed, Start.AddSeconds(60), seconds: 1, size: 1, retained: 0) with { VerifyFailed = true });

        _time.SetUtcNow(Start.AddSeconds(70));
        var text = await RenderAsync(metrics);

        Assert.That(text, Does.Contain($"clusterctl_snapshot_schedule_last_verified_timestamp_seconds {Start.AddSeconds(5).ToUnixTimeSeconds()}\n"));
        Assert.That(text, Does.Contain("clusterctl_snapshot_schedule_verify_failures_total 1\n"));
        Assert.That(text, Does.Contain("clusterctl_snapshot_schedule_ticks_failed_total 1\n"));
    }

    [Test]
    public async Task Every_metric_has_help_and_type_lines()
    {
        var lines = (await RenderAsync(new ScheduleMetrics(TimeSpan.FromMinutes(1), _time))).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var samples = lines.Where(l => !l.StartsWith('#')).Select(l => l.Split(' ')[0]).ToList();

        Assert.That(samples, Has.Count.GreaterThanOrEqualTo(7));
        Assert.That(samples, Has.All.Matches<string>(s => lines.Contains($"# TYPE {s} gauge") || lines.Contains($"# TYPE {s} counter")));
        Assert.That(samples.Where(s => s.EndsWith("_total", StringComparison.Ordinal)),
            Has.All.Matches<string>(s => lines.Contains($"# TYPE {s} counter")));
    }

    [Test]
    public async Task Health_turns_bad_when_the_last_success_is_older_than_twice_the_interval()
    {
        var metrics = new ScheduleMetrics(TimeSpan.FromMinutes(1), _time);
        metrics.Record(Tick(TickOutcome.Succeeded, Start, seconds: 1, size: 1, retained: 1));

        _time.SetUtcNow(Start.AddSeconds(100));
        Assert.That(metrics.IsHealthy(), Is.True);
        Assert.That(await RenderAsync(metrics), Does.Contain("clusterctl_snapshot_schedule_healthy 1\n"));
        _time.SetUtcNow(Start.AddSeconds(122));
        Assert.That(metrics.IsHealthy(), Is.False);
        Assert.That(await RenderAsync(metrics), Does.Contain("clusterctl_snapshot_schedule_healthy 0\n"));
    }

    [Test]
    public async Task Only_the_schedules_own_metrics_are_served_not_the_process_and_runtime_ones()
    {
        var samples = (await RenderAsync(new ScheduleMetrics(TimeSpan.FromMinutes(1), _time))).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith('#')).ToList();

        Assert.That(samples, Has.All.StartsWith("clusterctl_snapshot_schedule_"));
        Assert.That(samples, Has.All.Matches<string>(s => !s.Contains('{', StringComparison.Ordinal)), "no labels");
        Assert.That(samples, Does.Contain("clusterctl_snapshot_schedule_interval_seconds 60"));
    }

    [Test]
    public async Task Two_schedules_in_one_process_count_their_own_ticks()
    {
        var first = new ScheduleMetrics(TimeSpan.FromMinutes(1), _time);
        var second = new ScheduleMetrics(TimeSpan.FromMinutes(1), _time);
        first.Record(Tick(TickOutcome.Failed, Start, seconds: 1, size: 0, retained: 0));

        Assert.That(await RenderAsync(first), Does.Contain("clusterctl_snapshot_schedule_ticks_failed_total 1\n"));
        Assert.That(await RenderAsync(second), Does.Contain("clusterctl_snapshot_schedule_ticks_failed_total 0\n"));
    }

    private static async Task<string> RenderAsync(ScheduleMetrics metrics)
    {
        using var body = new MemoryStream();
        await metrics.ExportAsync(body, CancellationToken.None);
        return Encoding.UTF8.GetString(body.ToArray());
    }

    private static TickResult Tick(TickOutcome outcome, DateTimeOffset started, double seconds, long size, int retained) =>
        new(outcome, "n", started, TimeSpan.FromSeconds(seconds), size, 4, retained, 0, null);
}
