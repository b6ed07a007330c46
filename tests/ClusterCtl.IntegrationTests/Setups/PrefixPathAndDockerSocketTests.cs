using System.Globalization;
using ClusterCtl.Config;
using ClusterCtl.Etcd;
using ClusterCtl.IntegrationTests.Restore;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Setups;

/// <summary>
/// Nodes laid out under RKE's <c>prefix_path</c> (/etc/kubernetes, /var/lib/etcd and /opt/rke under /opt/custom) with
/// dockerd on a custom <c>docker_socket</c>. The unprefixed paths are empty and read-only and the default socket is
/// gone, so status, a save with S3, the listing and a restore can only work by following the prefix and the socket.
/// </summary>
[NonParallelizable]
public class PrefixPathAndDockerSocketTests
{
    private const string Prefix = "/opt/custom";
    private const string Socket = "/run/custom-docker/docker.sock";

    private string _directory = null!;
    private string _config = null!;

    [OneTimeSetUp]
    public async Task NodesLaidOutUnderThePrefixWithDockerdOnAnotherSocket()
    {
        await Testbed.RunAsync("reset");
        _directory = Directory.CreateTempSubdirectory("cctl-prefix-").FullName;
        _config = Path.Combine(_directory, "cluster.yml");
        var yaml = File.ReadAllText(Testbed.ClusterYml);
        var changed = yaml
            .Replace("nodes:\n", $"prefix_path: {Prefix}\nnodes:\n", StringComparison.Ordinal)
            .Replace("    user: root\n", $"    user: root\n    docker_socket: {Socket}\n", StringComparison.Ordinal);
        Assert.That(changed, Does.Contain("prefix_path").And.Contain("docker_socket"), "the testbed's cluster.yml has the expected shape");
        await File.WriteAllTextAsync(_config, changed);

        foreach (var node in RestoreTestbed.Nodes)
        {
            await Testbed.RunAsync("docker", Node(node), "rm", "-f", "etcd");
            await Testbed.RunAsync("prefix", Node(node), Prefix);
            await Testbed.RunAsync("docker-socket", Node(node), Socket);
        }

        // etcd as RKE runs it with the prefix: its binds name the prefixed host paths.
        var config = ClusterConfigLoader.Parse(changed, _config);
        await using var session = await RestoreTestbed.OpenAsync(config);
        foreach (var node in session.Nodes)
        {
            var id = await node.Docker.CreateContainerAsync(EtcdContainerSpec.ContainerName, EtcdContainerSpec.For(config, node.Node).ToContainerSpec(), CancellationToken.None);
            await node.Docker.StartContainerAsync(id, CancellationToken.None);
        }

        for (var attempt = 0; !await RestoreTestbed.HealthyAsync(); attempt++)
        {
            Assert.That(attempt, Is.LessThan(60), "etcd became healthy on the prefixed layout");
            await Task.Delay(1000);
        }
    }

    [OneTimeTearDown]
    public async Task BackToTheDefaultLayout()
    {
        Directory.Delete(_directory, recursive: true);
        await Testbed.RunAsync("reset");
    }

    [Test]
    public async Task Status_save_with_S3_list_and_restore_follow_the_prefix_and_the_socket()
    {
        var folder = "prefix-" + Guid.NewGuid().ToString("N")[..8];
        await RestoreTestbed.PutAsync("/registry/configmaps/default/prefix-a", "A");

        var status = await RunAsync("etcd", "status");
        var save = await RunAsync(["etcd", "snapshot-save", "--name", "prefixed", .. TestbedCli.S3Flags(folder)]);
        await RestoreTestbed.PutAsync("/registry/configmaps/default/prefix-b", "B");
        var list = await RunAsync(["etcd", "snapshot-list", "--output", "json", .. TestbedCli.S3Flags(folder)]);
        var restore = await RunAsync("etcd", "snapshot-restore", "--name", "prefixed");

        Assert.That(status.ExitCode, Is.Zero, status.ToString());
        Assert.That(save.ExitCode, Is.Zero, save.ToString());
        Assert.That(list.ExitCode, Is.Zero, list.ToString());
        var entry = TestbedCli.Json(list).EnumerateArray().Single(s => s.GetProperty("name").GetString() == "prefixed");
        Assert.That(entry.GetProperty("inS3").GetBoolean(), Is.True);
        Assert.That(entry.GetProperty("copiesAgree").GetBoolean(), Is.True);
        Assert.That(restore.ExitCode, Is.Zero, restore.ToString());
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(File.Exists(TestbedCli.SnapshotPath(node, "prefixed.zip")), Is.True, $"node{node} holds the zip in {Prefix}/opt/rke/etcd-snapshots");
            Assert.That(await RestoreTestbed.GetLocalAsync(node, "/registry/configmaps/default/prefix-a"), Is.EqualTo("A"), $"node{node} holds the snapshot's data");
            Assert.That(await RestoreTestbed.GetLocalAsync(node, "/registry/configmaps/default/prefix-b"), Is.Empty, $"node{node} lost the later write");
            var binds = await Testbed.RunAsync("docker", Node(node), "inspect", "-f", "{{json .HostConfig.Binds}}", "etcd");
            Assert.That(binds, Does.Contain($"{Prefix}/var/lib/etcd").And.Contain($"{Prefix}/etc/kubernetes"), $"node{node}: the restored etcd runs on the prefixed paths");
        }

        Assert.That(await RestoreTestbed.HelpersLeftAsync(), Is.Empty);
    }

    private Task<CliResult> RunAsync(params string[] args) =>
        ClusterCtlRunner.RunAsync([.. args, "--config", _config, "--known-hosts", Testbed.NewKnownHostsFile()]);

    private static string Node(int node) => node.ToString(CultureInfo.InvariantCulture);
}
