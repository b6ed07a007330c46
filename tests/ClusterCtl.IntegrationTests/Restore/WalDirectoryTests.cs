using System.Globalization;
using ClusterCtl.Config;
using ClusterCtl.Etcd;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Restore;

/// <summary>
/// A cluster whose etcd keeps its WAL apart, as RKE's docs show it: <c>extra_args: {wal-dir: ...}</c> with an
/// <c>extra_binds</c> entry for it. A save works; a restore is refused with exit 2 naming the key, because it would
/// replace the member's db but leave the WAL that etcd replays over it. Nothing on the nodes may change.
/// </summary>
[NonParallelizable]
public class WalDirectoryTests
{
    private const string WalInContainer = "/var/lib/rancher/etcd-wal";
    private const string WalOnHost = "/var/lib/etcd/wal-disk";

    private string _directory = null!;
    private string _config = null!;

    [OneTimeSetUp]
    public async Task AClusterWhoseEtcdRunsWithItsWalApart()
    {
        await Testbed.RunAsync("reset");
        _directory = Directory.CreateTempSubdirectory("cctl-wal-").FullName;
        _config = Path.Combine(_directory, "cluster.yml");
        var yaml = File.ReadAllText(Testbed.ClusterYml);
        var changed = yaml.Replace("  etcd: {}",
            $"  etcd:\n    extra_args:\n      wal-dir: {WalInContainer}\n    extra_binds:\n    - {WalOnHost}:{WalInContainer}", StringComparison.Ordinal);
        Assert.That(changed, Is.Not.EqualTo(yaml), "the testbed's cluster.yml has 'etcd: {}' under services");
        await File.WriteAllTextAsync(_config, changed);
        await MoveTheWalOutAsync(ClusterConfigLoader.Parse(changed, _config));
    }

    [OneTimeTearDown]
    public async Task ResetToTheDefaultLayout()
    {
        Directory.Delete(_directory, recursive: true);
        await Testbed.RunAsync("reset");
    }

    [Test]
    public async Task A_restore_is_refused_with_exit_2_naming_wal_dir_and_no_node_changes()
    {
        await RestoreTestbed.PutAsync("/registry/configmaps/default/wal-a", "A");
        var save = await RunAsync("etcd", "snapshot-save", "--name", "with-wal");
        await RestoreTestbed.PutAsync("/registry/configmaps/default/wal-b", "B");
        var started = new Dictionary<int, DateTimeOffset>();
        var wal = new Dictionary<int, string[]>();
        foreach (var node in RestoreTestbed.Nodes)
        {
            started[node] = await RestoreTestbed.StartedAtAsync(node, "etcd");
            wal[node] = WalFiles(node);
        }

        var restore = await RunAsync("etcd", "snapshot-restore", "--name", "with-wal");

        Assert.That(save.ExitCode, Is.Zero, save.ToString());
        Assert.That(restore.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), restore.ToString());
        Assert.That(restore.StderrLines[^1], Does.Contain(EtcdDataLocation.WalDirKey).And.Contain("nothing was changed"));
        Assert.That(restore.Stderr, Does.Not.Contain("   at "), "no stack trace without --debug");
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(await RestoreTestbed.StartedAtAsync(node, "etcd"), Is.EqualTo(started[node]), $"node{node}: etcd was not restarted");
            Assert.That(await RestoreTestbed.GetLocalAsync(node, "/registry/configmaps/default/wal-b"), Is.EqualTo("B"), $"node{node} keeps its data");
            Assert.That(WalFiles(node), Is.EqualTo(wal[node]), $"node{node}: its WAL is untouched");
            Assert.That(File.Exists(TestbedCli.SnapshotPath(node, "with-wal.zip")), Is.True, $"node{node} keeps its snapshot");
        }

        Assert.That(await RestoreTestbed.HelpersLeftAsync(), Is.Empty);
    }

    private Task<CliResult> RunAsync(params string[] args) =>
        ClusterCtlRunner.RunAsync([.. args, "--config", _config, "--known-hosts", Testbed.NewKnownHostsFile()]);

    private static string WalDirectory(int node) => Path.Combine(RestoreTestbed.DataDirectory(node), Path.GetFileName(WalOnHost));

    private static string[] WalFiles(int node) =>
        [.. Directory.GetFiles(WalDirectory(node)).Select(f => $"{Path.GetFileName(f)} {new FileInfo(f).Length}").Order(StringComparer.Ordinal)];

    /// <summary>What an operator does to give the WAL its own disk: stop etcd, move member/wal there, run etcd from the changed cluster.yml.</summary>
    private static async Task MoveTheWalOutAsync(ClusterConfig config)
    {
        foreach (var node in RestoreTestbed.Nodes)
        {
            await Testbed.RunAsync("docker", Node(node), "rm", "-f", "etcd");
        }

        await using var session = await RestoreTestbed.OpenAsync(config);
        foreach (var node in RestoreTestbed.Nodes)
        {
            Directory.Move(Path.Combine(RestoreTestbed.DataDirectory(node), "member", "wal"), WalDirectory(node));
            var clusterNode = config.EtcdNodes.Single(n => n.Address == Testbed.NodeAddress(node));
            var docker = session.Nodes.Single(n => n.Node == clusterNode).Docker;
            var id = await docker.CreateContainerAsync(EtcdContainerSpec.ContainerName, EtcdContainerSpec.For(config, clusterNode).ToContainerSpec(), CancellationToken.None);
            await docker.StartContainerAsync(id, CancellationToken.None);
        }

        for (var attempt = 0; !await RestoreTestbed.HealthyAsync(); attempt++)
        {
            Assert.That(attempt, Is.LessThan(60), "etcd became healthy with its WAL apart");
            await Task.Delay(1000);
        }

        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(Directory.Exists(Path.Combine(RestoreTestbed.DataDirectory(node), "member", "wal")), Is.False, $"node{node}: etcd writes its WAL apart, not in member/wal");
            Assert.That(Directory.GetFiles(WalDirectory(node), "*.wal"), Is.Not.Empty, $"node{node}: the WAL is in {WalOnHost}");
        }
    }

    private static string Node(int node) => node.ToString(CultureInfo.InvariantCulture);
}
