using System.Globalization;
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

    private EditedClusterYml _config = null!;

    [OneTimeSetUp]
    public async Task NodesLaidOutUnderThePrefixWithDockerdOnAnotherSocket()
    {
        await RestoreTestbed.RepairIfUnhealthyAsync();
        _config = EditedClusterYml.Write(yaml => yaml
            .Replace("nodes:\n", $"prefix_path: {Prefix}\nnodes:\n", StringComparison.Ordinal)
            .Replace("    user: root\n", $"    user: root\n    docker_socket: {Socket}\n", StringComparison.Ordinal));
        // etcd as RKE runs it with the prefix: its binds name the prefixed host paths.
        await RestoreTestbed.RecreateEtcdAsync(_config.Load(), async node =>
        {
            await Testbed.RunAsync("prefix", Node(node), Prefix);
            await Testbed.RunAsync("docker-socket", Node(node), Socket);
        });
    }

    [OneTimeTearDown]
    public async Task BackToTheDefaultLayout()
    {
        _config.Dispose();
        await Testbed.RunAsync("reset");
    }

    [Test]
    public async Task Status_save_with_S3_list_and_restore_follow_the_prefix_and_the_socket()
    {
        await SetupOutline.RunAndCheckAsync(args => _config.RunAsync(args), "prefixed");

        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(File.Exists(TestbedCli.SnapshotPath(node, "prefixed.zip")), Is.True, $"node{node} holds the zip in {Prefix}/opt/rke/etcd-snapshots");
            var binds = await Testbed.RunAsync("docker", Node(node), "inspect", "-f", "{{json .HostConfig.Binds}}", "etcd");
            Assert.That(binds, Does.Contain($"{Prefix}/var/lib/etcd").And.Contain($"{Prefix}/etc/kubernetes"), $"node{node}: the restored etcd runs on the prefixed paths");
        }
    }

    private static string Node(int node) => node.ToString(CultureInfo.InvariantCulture);
}
