using ClusterCtl.Config;
using ClusterCtl.Restore;

namespace ClusterCtl.IntegrationTests.Restore;

/// <summary>
/// The restore engine end to end on the testbed's 3-node TLS etcd, with the snapshot put in place the way the
/// distribute phase will. Runs on etcd 3.5 and 3.4 (each fixture resets the testbed to its version first).
/// </summary>
[NonParallelizable]
[TestFixture("3.5")]
[TestFixture("3.4")]
public class RestoreTests(string etcdVersion)
{
    private static readonly string[] Stand_ins = ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy"];

    [OneTimeSetUp]
    public Task ResetToThisEtcdVersion() => Testbed.RunAsync("reset", "--etcd", etcdVersion);

    [OneTimeTearDown]
    public Task ResetToTheDefault() => Testbed.RunAsync("reset", "--etcd", "3.5");

    [Test]
    public async Task Restore_brings_back_key_set_A_without_B_on_every_member_and_restarts_the_components()
    {
        var config = TestbedSession.LoadConfig();
        var (logger, log) = TestLog.Create();
        var prefix = "t" + Guid.NewGuid().ToString("N")[..8];
        await RestoreTestbed.PutAsync(prefix + "-a1", "x");
        await RestoreTestbed.PutAsync(prefix + "-a2", "y");
        await using var session = await RestoreTestbed.OpenAsync(config);
        var snapshot = await RestoreTestbed.SaveAsync(config, session);
        await RestoreTestbed.PutAsync(prefix + "-b1", "z");
        var revisionBefore = await RestoreTestbed.RevisionAsync(1);
        var startedBefore = await StartTimesAsync();

        var report = await RestoreTestbed.RestoreAsync(config, session, snapshot, new RestoreOptions(), logger, CancellationToken.None);

        TestContext.Out.WriteLine(string.Join('\n', report.Phases.Select(p => $"{p.Phase,-18} {p.Seconds,7:0.000} s  {p.Detail}")));
        Assert.That(report.Outcome, Is.EqualTo(RestoreOutcome.Restored), string.Join('\n', log.Lines));
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(await RestoreTestbed.GetLocalAsync(node, prefix + "-a1"), Is.EqualTo("x"), $"node{node} has A");
            Assert.That(await RestoreTestbed.GetLocalAsync(node, prefix + "-a2"), Is.EqualTo("y"), $"node{node} has A");
            Assert.That(await RestoreTestbed.GetLocalAsync(node, prefix + "-b1"), Is.Empty, $"node{node} has none of B");
            Assert.That(RestoreTestbed.TopLevelEntries(node).Where(e => e.StartsWith("pre-restore-", StringComparison.Ordinal)), Is.Not.Empty, $"node{node} kept its member");
            Assert.That(RestoreTestbed.TopLevelEntries(node).Where(e => e.StartsWith("restore-", StringComparison.Ordinal)), Is.Empty, $"node{node}: the scratch dir is gone");
        }

        Assert.That(await RestoreTestbed.LeadersAsync(), Is.EqualTo(1));
        Assert.That(await RestoreTestbed.HealthyAsync(), Is.True);
        await AssertRestartedAsync(startedBefore, report);
        Assert.That(await RestoreTestbed.HelpersLeftAsync(), Is.Empty);
        if (etcdVersion == "3.5")
        {
            Assert.That(report.RevisionBumped, Is.True);
            Assert.That(report.FinalRevision, Is.GreaterThan(revisionBefore));
            Assert.That(await RestoreTestbed.RevisionAsync(2), Is.GreaterThan(revisionBefore + 999_000_000));
        }
        else
        {
            Assert.That(report.Tool, Is.EqualTo(RestoreTool.Etcdctl));
        }
    }

    [Test]
    public async Task Restore_recreates_etcd_containers_that_differ_from_cluster_yml_and_creates_a_missing_one()
    {
        var config = RestoreFaults.ConfigWithDifferentEtcdArgs();
        var (logger, log) = TestLog.Create();
        var key = "t" + Guid.NewGuid().ToString("N")[..8];
        await RestoreTestbed.PutAsync(key + "-a", "x");
        await using var session = await RestoreTestbed.OpenAsync(config);
        var snapshot = await RestoreTestbed.SaveAsync(config, session);
        await RestoreTestbed.PutAsync(key + "-b", "z");
        await Testbed.RunAsync("docker", "3", "rm", "-f", "etcd");

        var report = await RestoreTestbed.RestoreAsync(config, session, snapshot, new RestoreOptions(), logger, CancellationToken.None);

        Assert.That(report.Outcome, Is.EqualTo(RestoreOutcome.Restored), string.Join('\n', log.Lines));
        Assert.That(report.Plan, Is.Null);
        Assert.That(report.Phases.Single(p => p.Phase == RestorePhase.StartEtcd).Detail,
            Does.Contain($"{Testbed.NodeAddress(1)} recreated").And.Contain($"{Testbed.NodeAddress(3)} created"));
        foreach (var node in RestoreTestbed.Nodes)
        {
            var args = await Testbed.RunAsync("docker", node.ToString(System.Globalization.CultureInfo.InvariantCulture), "inspect", "-f", "{{json .Args}}", "etcd");
            Assert.That(args, Does.Contain("--heartbeat-interval=600").And.Contain($"--name=etcd-node{node}"), $"node{node} runs the etcd of the changed cluster.yml");
            Assert.That(await RestoreTestbed.ContainerNamesAsync(node), Has.None.StartsWith(RestoreLayout.OldEtcdContainerPrefix), $"node{node}: the replaced container is removed once etcd is healthy");
            Assert.That(await RestoreTestbed.GetLocalAsync(node, key + "-a"), Is.EqualTo("x"));
            Assert.That(await RestoreTestbed.GetLocalAsync(node, key + "-b"), Is.Empty);
        }

        Assert.That(await RestoreTestbed.HealthyAsync(), Is.True);
        Assert.That(await RestoreTestbed.HelpersLeftAsync(), Is.Empty);
    }

    private static async Task<Dictionary<(int Node, string Container), DateTimeOffset>> StartTimesAsync()
    {
        var times = new Dictionary<(int, string), DateTimeOffset>();
        foreach (var node in RestoreTestbed.Nodes)
        {
            foreach (var name in await RestoreTestbed.ContainerNamesAsync(node))
            {
                if (name.StartsWith("k8s_", StringComparison.Ordinal) || Stand_ins.Contains(name))
                {
                    times[(node, name)] = await RestoreTestbed.StartedAtAsync(node, name);
                }
            }
        }

        return times;
    }

    private static async Task AssertRestartedAsync(Dictionary<(int Node, string Container), DateTimeOffset> before, RestoreReport report)
    {
        Assert.That(before.Keys.Count(k => k.Container.StartsWith("k8s_POD_", StringComparison.Ordinal)), Is.EqualTo(2 * Testbed.NodeCount), "the testbed has pause containers");
        foreach (var ((node, container), startedBefore) in before)
        {
            var startedAfter = await RestoreTestbed.StartedAtAsync(node, container);
            if (container.StartsWith("k8s_POD_", StringComparison.Ordinal))
            {
                Assert.That(startedAfter, Is.EqualTo(startedBefore), $"node{node}: the pause container {container} was left alone");
            }
            else
            {
                Assert.That(startedAfter, Is.GreaterThan(startedBefore), $"node{node}: {container} was restarted");
                Assert.That(report.Restarted.Any(r => r.Host == Testbed.NodeAddress(node) && r.Container == container), Is.True, $"the report names {container} on node{node}");
            }
        }
    }
}
