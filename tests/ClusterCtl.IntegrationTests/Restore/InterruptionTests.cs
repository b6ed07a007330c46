using ClusterCtl.Restore;

namespace ClusterCtl.IntegrationTests.Restore;

/// <summary>Ctrl+C: honoured before the point of no return (cluster untouched, helpers gone), held after it until the restore is done.</summary>
[NonParallelizable]
public class InterruptionTests
{
    [OneTimeSetUp]
    public Task Reset() => Testbed.RunAsync("reset");

    [Test]
    public async Task Ctrl_C_before_the_point_of_no_return_cancels_and_leaves_the_cluster_untouched()
    {
        var config = TestbedSession.LoadConfig();
        await using var session = await RestoreTestbed.OpenAsync(config);
        var snapshot = await RestoreTestbed.SaveAsync(config, session);
        var started = await PreflightTests.EtcdStartTimesAsync();
        var listings = RestoreTestbed.Nodes.ToDictionary(n => n, RestoreTestbed.DataDirectoryListing);
        using var ctrlC = new CancellationTokenSource();
        var options = new RestoreOptions { BeforePhase = RestoreFaults.At(RestorePhase.Distribute, ctrlC.Cancel) };

        Assert.CatchAsync<OperationCanceledException>(() => RestoreTestbed.RestoreAsync(config, session, snapshot, options, TestbedSession.Logger, ctrlC.Token));

        Assert.That(await PreflightTests.EtcdStartTimesAsync(), Is.EqualTo(started), "nothing was stopped");
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(RestoreTestbed.DataDirectoryListing(node), Is.EqualTo(listings[node]));
        }

        Assert.That(await RestoreTestbed.HelpersLeftAsync(), Is.Empty);
    }

    [Test]
    public async Task Ctrl_C_after_the_point_of_no_return_is_held_until_the_cluster_is_restored()
    {
        var config = TestbedSession.LoadConfig();
        var (logger, log) = TestLog.Create();
        var key = "held-" + Guid.NewGuid().ToString("N")[..8];
        await using var session = await RestoreTestbed.OpenAsync(config);
        var snapshot = await RestoreTestbed.SaveAsync(config, session);
        await RestoreTestbed.PutAsync(key, "after-the-snapshot");
        using var ctrlC = new CancellationTokenSource();
        var options = new RestoreOptions { BeforePhase = RestoreFaults.At(RestorePhase.Swap, ctrlC.Cancel) };

        var report = await RestoreTestbed.RestoreAsync(config, session, snapshot, options, logger, ctrlC.Token);

        Assert.That(report.Outcome, Is.EqualTo(RestoreOutcome.Restored));
        Assert.That(log.Lines, Has.Some.Contains("Ctrl+C received after the point of no return: held"));
        Assert.That(await RestoreTestbed.GetLocalAsync(1, key), Is.Empty, "the restore went through");
        Assert.That(await RestoreTestbed.HealthyAsync(), Is.True);
        Assert.That(await RestoreTestbed.HelpersLeftAsync(), Is.Empty);
    }
}
