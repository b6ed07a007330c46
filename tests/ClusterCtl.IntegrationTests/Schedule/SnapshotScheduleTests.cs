using System.Net;
using System.Text.Json;
using ClusterCtl.Hosts;
using ClusterCtl.Schedule;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Schedule;

/// <summary>
/// snapshot-schedule end to end: a 3 s interval against the testbed's three nodes and its s3rver. A tick takes about
/// 3 s there, so ticks follow each other closely; every wait is bounded so a stuck scheduler fails, not hangs.
/// </summary>
[NonParallelizable]
public class SnapshotScheduleTests
{
    private static readonly TimeSpan TickBudget = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopBudget = TimeSpan.FromSeconds(45);

    private string _folder = null!;

    [SetUp]
    public async Task StartFromEmptySnapshotDirectories()
    {
        _folder = "schedule-" + Guid.NewGuid().ToString("N")[..8];
        for (var n = 1; n <= Testbed.NodeCount; n++)
        {
            foreach (var file in TestbedCli.SnapshotFiles(n))
            {
                File.Delete(file);
            }
        }

        await Testbed.RunAsync("etcdctl", "1", "put", "/registry/schedule", _folder);
    }

    [TearDown]
    public async Task NothingIsLeftBehind()
    {
        Assert.That(await TestbedCli.LeftoverHelpersAsync(), Is.Empty, "no helper container is left");
        Assert.That(await LockContainersAsync(), Is.Empty, "the cluster lock is released");
        Assert.That(Enumerable.Range(1, Testbed.NodeCount).SelectMany(PartialFiles), Is.Empty, "no partial file is left");
    }

    [Test]
    public async Task Ticks_take_verified_snapshots_everywhere_keep_the_retention_and_never_prune_a_one_off_snapshot()
    {
        // Taken before the schedule starts, so it is the oldest snapshot of all: a prune by age alone would take it
        // first. (Racing the ticks for a gap in the lock failed on a loaded machine, where ticks run back to back.)
        var oneOff = "one-off-" + _folder;
        var saved = await TestbedCli.RunAsync(["etcd", "snapshot-save", "--name", oneOff, .. TestbedCli.S3Flags(_folder)]);
        Assert.That(saved.ExitCode, Is.Zero, saved.ToString());

        await using var run = ScheduleRun.Start(["--interval", "3s", "--retention", "2", .. TestbedCli.S3Flags(_folder)]);

        await run.WaitForTicksAsync(ScheduleRun.Succeeded, 1, TickBudget);
        Assert.That(await run.HealthAsync(), Is.EqualTo(HttpStatusCode.OK));
        var early = await run.MetricsAsync();

        await run.WaitForTicksAsync(ScheduleRun.Succeeded, 4, TimeSpan.FromSeconds(60));
        var late = await run.MetricsAsync();
        var stopped = await run.StopAsync(StopBudget);

        Assert.That(stopped.ExitCode, Is.Zero, "a stopped service exits 0\n" + stopped);
        var ticks = run.SucceededTicks();
        Assert.That(ticks.Select(t => t.Name).Distinct().Count(), Is.EqualTo(ticks.Count), "each tick takes a snapshot of its own");
        Assert.That(ticks.Select(t => t.Copies), Has.All.EqualTo(Testbed.NodeCount + 1), "each snapshot verified on every node and in S3");
        Assert.That(ticks.Select(t => t.Name), Has.All.Matches<string>(n => ScheduledSnapshotName.IsScheduled(n, TestbedSession.LoadConfig().ClusterName)));

        var newestTwo = ticks.Select(t => t.Name).Order(StringComparer.Ordinal).TakeLast(2).ToList();
        var listing = await ListAsync();
        var scheduled = listing.Where(s => s.GetProperty("name").GetString()!.Contains("_scheduled_", StringComparison.Ordinal)).ToList();
        Assert.That(scheduled.Select(s => s.GetProperty("name").GetString()), Is.EquivalentTo(newestTwo), "exactly the retention remain: the newest two");
        foreach (var snapshot in scheduled.Append(listing.Single(s => s.GetProperty("name").GetString() == oneOff)))
        {
            Assert.That(snapshot.GetProperty("nodes").EnumerateObject().Count(), Is.EqualTo(Testbed.NodeCount), snapshot.ToString());
            Assert.That(snapshot.GetProperty("inS3").GetBoolean(), Is.True, snapshot.ToString());
            Assert.That(snapshot.GetProperty("copiesAgree").GetBoolean(), Is.True, snapshot.ToString());
        }

        for (var n = 1; n <= Testbed.NodeCount; n++)
        {
            var zips = TestbedCli.SnapshotFiles(n).Select(Path.GetFileName).Where(f => !f!.StartsWith('.')).ToList();
            Assert.That(zips.Count(z => z!.Contains("_scheduled_", StringComparison.Ordinal)), Is.EqualTo(2), $"node{n}: {string.Join(", ", zips)}");
            Assert.That(zips, Does.Contain(oneOff + ".zip"), $"node{n} keeps the one-off snapshot");
        }

        Assert.That(early["clusterctl_snapshot_schedule_ticks_succeeded_total"], Is.GreaterThanOrEqualTo(1));
        Assert.That(late["clusterctl_snapshot_schedule_ticks_succeeded_total"], Is.GreaterThan(early["clusterctl_snapshot_schedule_ticks_succeeded_total"]));
        Assert.That(late["clusterctl_snapshot_schedule_snapshots_retained"], Is.EqualTo(2));
        Assert.That(late["clusterctl_snapshot_schedule_last_size_bytes"], Is.GreaterThan(0));
        Assert.That(late["clusterctl_snapshot_schedule_last_duration_seconds"], Is.GreaterThan(0));
        Assert.That(late["clusterctl_snapshot_schedule_last_success_timestamp_seconds"], Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeSeconds()));
        TestContext.Out.WriteLine("tick durations: " + string.Join(", ", run.Process.Lines.Where(l => l.Contains(ScheduleRun.Succeeded, StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf(" in ", StringComparison.Ordinal) + 4)..].Split(',')[0])));
    }

    [Test]
    public async Task A_tick_during_a_held_lock_is_skipped_a_tick_with_a_node_down_fails_and_the_schedule_goes_on()
    {
        await using var run = ScheduleRun.Start("--interval", "3s", "--retention", "3");
        await run.WaitForTicksAsync(ScheduleRun.Succeeded, 1, TickBudget);

        // A manual run holds the lock: the next tick must skip, not wait and not fail.
        await using (var session = await TestbedSession.OpenAsync())
        {
            await using (await LockWhenFreeAsync(session))
            {
                await run.WaitForTicksAsync(ScheduleRun.Skipped, 1, TickBudget);
            }
        }

        var failedBefore = run.Process.Lines.Count;
        await Testbed.RunAsync("stop-sshd", "3");
        try
        {
            await run.WaitForTicksAsync(ScheduleRun.Failed, 1, TickBudget);
        }
        finally
        {
            await Testbed.RunAsync("start-sshd", "3");
        }

        var failedAt = run.Process.Lines.ToList().FindIndex(failedBefore, l => l.Contains(ScheduleRun.Failed, StringComparison.Ordinal));
        await run.Process.WaitForLinesAsync(
            l => l.Contains(ScheduleRun.Succeeded, StringComparison.Ordinal) && run.Process.Lines.ToList().IndexOf(l) > failedAt, 1, TickBudget);
        var metrics = await run.MetricsAsync();
        var health = await run.HealthAsync();
        var stopped = await run.StopAsync(StopBudget);

        var failedLine = run.Process.Lines.First(l => l.Contains(ScheduleRun.Failed, StringComparison.Ordinal));
        Assert.That(failedLine, Does.Contain(Testbed.NodeAddress(3)), "the failed tick names its cause");
        Assert.That(run.Process.Lines.First(l => l.Contains(ScheduleRun.Skipped, StringComparison.Ordinal)), Does.Contain("locked by"));
        Assert.That(metrics["clusterctl_snapshot_schedule_ticks_failed_total"], Is.GreaterThanOrEqualTo(1));
        Assert.That(metrics["clusterctl_snapshot_schedule_ticks_skipped_total"], Is.GreaterThanOrEqualTo(1));
        Assert.That(metrics["clusterctl_snapshot_schedule_ticks_succeeded_total"], Is.GreaterThanOrEqualTo(2));
        Assert.That(health, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(stopped.ExitCode, Is.Zero, stopped.ToString());
    }

    [Test]
    public async Task SIGTERM_during_a_tick_with_no_grace_cancels_it_and_leaves_no_partial_file_and_no_helper()
    {
        await using var run = ScheduleRun.Start(["--interval", "3s", "--shutdown-grace", "0s", .. TestbedCli.S3Flags(_folder)]);
        await run.Process.WaitForLinesAsync("Taking snapshot", 1, TickBudget);

        var stopped = await run.StopAsync(StopBudget);

        Assert.That(stopped.ExitCode, Is.Zero, stopped.ToString());
        Assert.That(stopped.Stderr, Does.Contain("cancelled at shutdown"));
        Assert.That(run.SucceededTicks(), Is.Empty);
        // TearDown checks helpers, the lock and partial files on every node.
    }

    [Test]
    public async Task SIGTERM_during_a_tick_lets_it_finish_within_the_grace_period()
    {
        await using var run = ScheduleRun.Start(["--interval", "3s", .. TestbedCli.S3Flags(_folder)]);
        await run.Process.WaitForLinesAsync("Taking snapshot", 1, TickBudget);

        var stopped = await run.StopAsync(StopBudget);

        Assert.That(stopped.ExitCode, Is.Zero, stopped.ToString());
        Assert.That(run.SucceededTicks(), Has.Count.EqualTo(1), stopped.Stderr);
        var name = run.SucceededTicks()[0].Name;
        Assert.That(Enumerable.Range(1, Testbed.NodeCount).Select(n => File.Exists(TestbedCli.SnapshotPath(n, name + ".zip"))), Has.All.True);
    }

    [Test]
    public async Task A_tick_that_runs_past_the_tick_timeout_is_cancelled_cleaned_up_counted_and_the_schedule_goes_on()
    {
        await using var run = ScheduleRun.Start(["--interval", "3s", "--tick-timeout", "1s", .. TestbedCli.S3Flags(_folder)]);

        var failed = await run.WaitForTicksAsync(ScheduleRun.Failed, 2, TimeSpan.FromSeconds(20));
        var metrics = await run.MetricsAsync();
        var stopped = await run.StopAsync(StopBudget);

        Assert.That(failed, Has.All.Contain("took longer than 1s"));
        Assert.That(metrics["clusterctl_snapshot_schedule_ticks_failed_total"], Is.GreaterThanOrEqualTo(2));
        Assert.That(stopped.ExitCode, Is.Zero, stopped.ToString());
        // TearDown checks helpers, the lock and partial files on every node.
    }

    [Test]
    public async Task With_verify_every_tick_drills_its_snapshot_and_the_metrics_say_when_one_last_verified()
    {
        await using var run = ScheduleRun.Start("--interval", "1h", "--verify");

        await run.WaitForTicksAsync(ScheduleRun.Succeeded, 1, TickBudget);
        var metrics = await run.MetricsAsync();
        var stopped = await run.StopAsync(StopBudget);

        Assert.That(stopped.ExitCode, Is.Zero, stopped.ToString());
        Assert.That(run.Process.Lines, Has.Some.Contains("verified by a restore drill"));
        Assert.That(metrics["clusterctl_snapshot_schedule_last_verified_timestamp_seconds"], Is.GreaterThan(0));
        Assert.That(metrics["clusterctl_snapshot_schedule_verify_failures_total"], Is.Zero);
        var listing = await ListAsync();
        var taken = listing.Single(s => s.GetProperty("name").GetString() == run.SucceededTicks()[0].Name);
        Assert.That(taken.GetProperty("verifiedAt").ValueKind, Is.EqualTo(JsonValueKind.String), "the drill's mark is listed");
    }

    [Test]
    public async Task Healthz_turns_503_when_no_tick_has_succeeded_for_twice_the_interval()
    {
        // Every tick times out, so nothing ever succeeds; with a 1 s interval health may last 2 s from the start.
        await using var run = ScheduleRun.Start("--interval", "1s", "--tick-timeout", "200ms");
        await run.WaitForTicksAsync(ScheduleRun.Failed, 1, TickBudget);
        var started = DateTime.UtcNow;
        await run.WaitForTicksAsync(ScheduleRun.Failed, 3, TickBudget);
        if (DateTime.UtcNow - started < TimeSpan.FromSeconds(2.5))
        {
            await Task.Delay(TimeSpan.FromSeconds(2.5) - (DateTime.UtcNow - started));
        }

        var health = await run.HealthAsync();
        var metrics = await run.MetricsAsync();
        var stopped = await run.StopAsync(StopBudget);

        Assert.That(health, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(metrics["clusterctl_snapshot_schedule_healthy"], Is.Zero);
        Assert.That(metrics["clusterctl_snapshot_schedule_last_success_timestamp_seconds"], Is.Zero);
        Assert.That(stopped.ExitCode, Is.Zero, stopped.ToString());
    }

    private static async Task<ClusterLock> LockWhenFreeAsync(ClusterSession session)
    {
        var config = TestbedSession.LoadConfig();
        var deadline = DateTime.UtcNow + TickBudget;
        while (true)
        {
            try
            {
                return await session.LockAsync(config, "test holding the lock", TestbedSession.Logger, CancellationToken.None);
            }
            catch (ClusterCtlException e) when (e.Message.Contains("locked by", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    private async Task<List<JsonElement>> ListAsync()
    {
        var result = await TestbedCli.RunAsync(["etcd", "snapshot-list", "--output", "json", .. TestbedCli.S3Flags(_folder)]);
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        return TestbedCli.Json(result).EnumerateArray().ToList();
    }

    // Each zip has a hidden .<name>.zip.sha256 beside it, and a drill's .<name>.zip.verified; anything else hidden, .partial or .tmp is a leftover.
    private static IEnumerable<string> PartialFiles(int node) =>
        TestbedCli.SnapshotFiles(node).Select(f => Path.GetFileName(f)!)
            .Where(f => (f.StartsWith('.') && !f.EndsWith(".zip.sha256", StringComparison.Ordinal) && !f.EndsWith(".zip.verified", StringComparison.Ordinal))
                || f.EndsWith(".partial", StringComparison.Ordinal) || f.EndsWith(".tmp", StringComparison.Ordinal))
            .Select(f => $"node{node}: {f}");

    private static async Task<List<string>> LockContainersAsync()
    {
        var held = new List<string>();
        for (var n = 1; n <= Testbed.NodeCount; n++)
        {
            var names = await Testbed.RunAsync("docker", n.ToString(System.Globalization.CultureInfo.InvariantCulture), "ps", "-a",
                "--filter", "name=" + ClusterLock.ContainerName, "--format", "{{.Names}}");
            held.AddRange(names.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(name => $"node{n}: {name}"));
        }

        return held;
    }
}
