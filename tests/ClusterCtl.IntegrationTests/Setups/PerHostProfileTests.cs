using System.Globalization;
using ClusterCtl.IntegrationTests.Restore;

namespace ClusterCtl.IntegrationTests.Setups;

/// <summary>
/// The benchmark's per-host profile, as a user's slow hosts would be: half a CPU for each node (its sshd, dockerd and
/// every container in it) and a rate-limited link between this machine and the nodes. A save and a restore still
/// finish and do what they report; and the profile really holds the nodes' containers and really carries the bytes.
/// </summary>
[NonParallelizable]
public class PerHostProfileTests
{
    [OneTimeSetUp]
    public async Task SlowHostsOnASlowLink()
    {
        await Testbed.RunAsync("reset");
        await Testbed.RunAsync("cpu", "0.5", "0.5");
        await Testbed.RunAsync("link", "100mbit");
    }

    [OneTimeTearDown]
    public async Task FullSpeedAgain()
    {
        await Testbed.RunAsync("cpu", "off");
        await Testbed.RunAsync("link", "off");
    }

    [Test]
    public async Task A_node_and_every_container_it_runs_count_against_that_nodes_CPU_quota()
    {
        for (var node = 1; node <= Testbed.NodeCount; node++)
        {
            var group = Path.Combine(Testbed.Env["TB_CPU_CGROUP"], $"node{node}");
            Assert.That(await File.ReadAllTextAsync(Path.Combine(group, "cpu.cfs_quota_us")), Is.EqualTo("50000\n"), $"node{node}: half of each 100 ms period");
            var etcdPid = (await Testbed.RunAsync("docker", node.ToString(CultureInfo.InvariantCulture), "inspect", "-f", "{{.State.Pid}}", "etcd")).Trim();
            Assert.That(await File.ReadAllLinesAsync($"/proc/{etcdPid}/cgroup"), Has.Some.Match($@"^\d+:cpu:/{Path.GetFileName(Testbed.Env["TB_CPU_CGROUP"])}/node{node}/[0-9a-f]{{64}}$"), $"node{node}'s etcd container");
        }
    }

    [Test]
    public async Task A_save_and_a_restore_succeed_on_half_a_CPU_per_node_and_the_save_crosses_the_operators_link()
    {
        await RestoreTestbed.PutIncompressibleAsync("/registry/profile/", 40);
        var name = "profile-" + Guid.NewGuid().ToString("N")[..6];
        var crossed = LinkBytes();

        var save = await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", name, "--output", "json");

        Assert.That(save.ExitCode, Is.Zero, save.ToString());
        var report = TestbedCli.Json(save);
        var zip = report.GetProperty("zipSize").GetInt64();
        Assert.That(LinkBytes() - crossed, Is.GreaterThan(3 * zip), "the zip went out to three nodes over the bridge");

        await RestoreTestbed.PutAsync("/registry/after-the-save", "x");
        var restore = await TestbedCli.RunAsync("etcd", "snapshot-restore", "--name", name);

        Assert.That(restore.ExitCode, Is.Zero, restore.ToString());
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(await RestoreTestbed.GetLocalAsync(node, "/registry/after-the-save"), Is.Empty, $"node{node} serves the snapshot's data");
        }
    }

    private static long LinkBytes() =>
        new[] { "rx_bytes", "tx_bytes" }.Sum(c => long.Parse(File.ReadAllText($"/sys/class/net/{Testbed.Env["TB_BRIDGE"]}/statistics/{c}"), CultureInfo.InvariantCulture));
}
