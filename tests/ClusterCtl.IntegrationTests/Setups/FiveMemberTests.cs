using System.Globalization;
using ClusterCtl.IntegrationTests.Restore;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Setups;

/// <summary>
/// A five-member etcd cluster: a save takes the lock and leaves a copy on all five, a restore brings all five back on
/// the snapshot's data, and disaster recovery replaces one of the five with a bare node.
/// </summary>
[NonParallelizable]
public class FiveMemberTests
{
    private string _directory = null!;

    [OneTimeSetUp]
    public async Task FiveNodes()
    {
        await Testbed.RunAsync("up", "--nodes", "5");
        _directory = Directory.CreateTempSubdirectory("cctl-five-").FullName;
    }

    [OneTimeTearDown]
    public async Task BackToThree()
    {
        Directory.Delete(_directory, recursive: true);
        await Testbed.RunAsync("up", "--nodes", "3");
    }

    [SetUp]
    public async Task KeySetA()
    {
        await Testbed.RunAsync("reset");
        await RestoreTestbed.PutAsync("/registry/a", "A");
    }

    [Test]
    public async Task A_save_leaves_one_zip_on_all_five_and_a_restore_brings_all_five_back_on_it()
    {
        Assert.That(Testbed.NodeCount, Is.EqualTo(5));
        var saved = await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", "five");
        await RestoreTestbed.PutAsync("/registry/b", "B");

        var restored = await TestbedCli.RunAsync("etcd", "snapshot-restore", "--name", "five");

        Assert.That(saved.ExitCode, Is.Zero, saved.ToString());
        Assert.That(RestoreTestbed.Nodes.Select(n => File.ReadAllBytes(TestbedCli.SnapshotPath(n, "five.zip")).Length).Distinct().Count(), Is.EqualTo(1), "one zip on every node");
        Assert.That(restored.ExitCode, Is.Zero, restored.ToString());
        await AssertRestoredAsync([1, 2, 3, 4, 5]);
    }

    [Test]
    public async Task A_destroyed_member_of_five_is_replaced_by_a_bare_node()
    {
        Assert.That((await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", "five-dr")).ExitCode, Is.Zero);
        await RestoreTestbed.PutAsync("/registry/b", "B");
        await Testbed.RunAsync("destroy-node", "5");
        await Testbed.RunAsync("add-node", "6");
        // cluster.yml as the operator edits it: node 5's entry now names the replacement.
        var address5 = Testbed.NodeAddress(5);
        var address6 = address5[..address5.LastIndexOf('.')] + ".16";
        var config = Path.Combine(_directory, "cluster.yml");
        await File.WriteAllTextAsync(config, (await File.ReadAllTextAsync(Testbed.ClusterYml)).Replace(address5, address6, StringComparison.Ordinal).Replace("node5", "node6", StringComparison.Ordinal));

        var restored = await ClusterCtlRunner.RunAsync(["etcd", "snapshot-restore", "--name", "five-dr", "--config", config, "--known-hosts", Testbed.NewKnownHostsFile()]);

        Assert.That(restored.ExitCode, Is.Zero, restored.ToString());
        Assert.That(restored.Stdout, Does.Contain("New nodes"));
        await AssertRestoredAsync([1, 2, 3, 4, 6]);
    }

    private static async Task AssertRestoredAsync(IReadOnlyList<int> nodes)
    {
        var members = await Testbed.RunAsync("etcdctl", "1", "member", "list", "-w", "json");
        using var json = System.Text.Json.JsonDocument.Parse(members);
        var names = json.RootElement.GetProperty("members").EnumerateArray().Select(m => m.TryGetProperty("name", out var n) ? n.GetString() : "(not started)");
        Assert.That(names, Is.EquivalentTo(nodes.Select(n => "etcd-" + RestoreTestbed.NodeName(n))), "the membership is exactly cluster.yml's etcd nodes");
        foreach (var node in nodes)
        {
            var n = node.ToString(CultureInfo.InvariantCulture);
            Assert.That((await Testbed.TryRunAsync("etcdctl", n, "endpoint", "health")).ExitCode, Is.Zero, $"node{node} is healthy");
            Assert.That((await Testbed.RunAsync("etcdctl", n, "get", "/registry/a", "--print-value-only")).Trim(), Is.EqualTo("A"), $"node{node} has the snapshot's data");
            Assert.That((await Testbed.RunAsync("etcdctl", n, "get", "/registry/b", "--print-value-only")).Trim(), Is.Empty, $"node{node} has nothing written after it");
        }

        Assert.That(await RestoreTestbed.HelpersLeftAsync(nodes), Is.Empty);
    }
}
