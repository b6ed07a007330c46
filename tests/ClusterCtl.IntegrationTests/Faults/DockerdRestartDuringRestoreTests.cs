using ClusterCtl.IntegrationTests.Restore;
using ClusterCtl.Testing;
using NUnit.Framework.Interfaces;

namespace ClusterCtl.IntegrationTests.Faults;

/// <summary>
/// A node's dockerd restarts after the point of no return, taking every container there down with it: the restore
/// must complete or roll back, and never leave some members on the snapshot's data and others on the old data.
/// </summary>
[NonParallelizable]
public class DockerdRestartDuringRestoreTests
{
    [OneTimeSetUp]
    public Task StartFromAFreshCluster() => Testbed.RunAsync("reset");

    [TearDown]
    public async Task RepairWhatTheFaultLeft()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status != TestStatus.Passed)
        {
            await Testbed.RunAsync("reset");
        }
    }

    [Test]
    public async Task A_dockerd_restart_as_etcd_starts_ends_restored_or_rolled_back_everywhere_never_mixed()
    {
        var name = "dockerd-" + Guid.NewGuid().ToString("N")[..6];
        await RestoreTestbed.PutAsync("/registry/a", "A");
        Assert.That((await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", name)).ExitCode, Is.Zero);
        var after = "after-" + Guid.NewGuid().ToString("N")[..8];
        await RestoreTestbed.PutAsync("/registry/b", after);

        CliResult result;
        await using (var restore = ClusterCtlProcess.Start(["etcd", "snapshot-restore", "--name", name, "--config", Testbed.ClusterYml, "--known-hosts", Testbed.NewKnownHostsFile()]))
        {
            await restore.WaitForLinesAsync("started etcd as it is", 1, TimeSpan.FromMinutes(2));
            await Testbed.RunAsync("restart-dockerd", "2");
            result = await restore.WaitForExitAsync(TimeSpan.FromMinutes(5));
        }

        // Either outcome is right; which one it was is worth seeing in the test log.
        await TestContext.Out.WriteLineAsync($"exit {result.ExitCode}: {result.StderrLines[^1]}");
        Assert.That(result.ExitCode, Is.AnyOf(ExitCodes.Success, ExitCodes.Failed), result.ToString());
        Assert.That(await RestoreTestbed.HealthyAsync(), Is.True, "the cluster serves again\n" + result);
        var values = new List<string>();
        foreach (var node in RestoreTestbed.Nodes)
        {
            values.Add(await RestoreTestbed.GetLocalAsync(node, "/registry/b"));
        }

        var expected = result.ExitCode == ExitCodes.Success ? "" : after;
        Assert.That(values, Is.All.EqualTo(expected),
            $"exit {result.ExitCode}: every member on {(expected == "" ? "the snapshot's" : "the old")} data, none on the other\n{result}");
        Assert.That(await RestoreTestbed.HelpersLeftAsync(), Is.Empty);
    }
}
