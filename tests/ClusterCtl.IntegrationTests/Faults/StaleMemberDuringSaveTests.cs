using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using ClusterCtl.IntegrationTests.Restore;

namespace ClusterCtl.IntegrationTests.Faults;

/// <summary>
/// A member cut off from its peers keeps answering clients with what it had when it was cut off. A save must never
/// take its snapshot from such a member: the snapshot would lack every write since, with nothing to say so.
/// </summary>
[NonParallelizable]
public class StaleMemberDuringSaveTests
{
    [OneTimeSetUp]
    public Task StartFromAFreshCluster() => Testbed.RunAsync("reset");

    private int _stale;

    [TearDown]
    public async Task LetItRejoin()
    {
        await Testbed.RunAsync("rejoin-etcd", _stale.ToString(CultureInfo.InvariantCulture));
        // A member that was behind catches up in moments; a later test must not meet it behind.
        await Testbed.RunAsync("reset");
    }

    [Test]
    public async Task A_member_behind_its_peers_is_named_and_never_the_source_and_the_snapshot_holds_the_latest_write()
    {
        await RestoreTestbed.PutAsync("/registry/before", "1");
        // The first follower in cluster.yml's order, the one a save used to take first; writes go through the leader.
        var (leader, firstFollower) = await LeaderAndFirstFollowerAsync();
        _stale = firstFollower;
        await Testbed.RunAsync("isolate-etcd", _stale.ToString(CultureInfo.InvariantCulture));
        var latest = "latest-" + Guid.NewGuid().ToString("N")[..8];
        await Testbed.RunAsync("etcdctl", leader.ToString(CultureInfo.InvariantCulture), "put", "/registry/latest", latest);
        var name = "stale-" + Guid.NewGuid().ToString("N")[..6];

        var saved = await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", name, "--output", "json");

        Assert.That(saved.ExitCode, Is.Zero, saved.ToString());
        Assert.That(saved.Stderr, Does.Contain($"{Testbed.NodeAddress(_stale)}: not taking the snapshot from this member: it is behind the leader"));
        var manifest = ManifestOf(name);
        Assert.That(manifest.GetProperty("sourceMember").GetString(), Does.Not.StartWith("etcd-" + RestoreTestbed.NodeName(_stale)), saved.ToString());
        var leaderRevision = long.Parse((await Testbed.RunAsync("etcdctl", leader.ToString(CultureInfo.InvariantCulture), "get", "/registry/latest", "-w", "json")).Split("\"revision\":")[1].Split(',')[0], CultureInfo.InvariantCulture);
        Assert.That(manifest.GetProperty("revision").GetInt64(), Is.GreaterThanOrEqualTo(leaderRevision), "the snapshot holds the latest write");
    }

    private static async Task<(int Leader, int FirstFollower)> LeaderAndFirstFollowerAsync()
    {
        var leads = new List<bool>();
        foreach (var node in RestoreTestbed.Nodes)
        {
            var status = await Testbed.RunAsync("etcdctl", node.ToString(CultureInfo.InvariantCulture), "endpoint", "status", "-w", "json");
            leads.Add(ClusterCtl.Etcd.EtcdctlJson.ParseEndpointStatus("testbed", status).Single().IsLeader);
        }

        return (leads.IndexOf(true) + 1, leads.IndexOf(false) + 1);
    }

    private static JsonElement ManifestOf(string name)
    {
        using var zip = ZipFile.OpenRead(TestbedCli.SnapshotPath(1, name + ".zip"));
        using var stream = zip.GetEntry("clusterctl-manifest.json")!.Open();
        using var json = JsonDocument.Parse(stream);
        return json.RootElement.Clone();
    }
}
