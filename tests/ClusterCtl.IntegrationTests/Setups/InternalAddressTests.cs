using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using ClusterCtl.IntegrationTests.Restore;

namespace ClusterCtl.IntegrationTests.Setups;

/// <summary>
/// A cluster.yml whose <c>internal_address</c> differs from <c>address</c>: SSH reaches each node on its address, etcd's
/// peers and clients use a second network that this machine is not on, and etcd's ports are refused on the first one.
/// etcd runs as RKE builds it for that shape, so status, a save with S3, the listing, a restore and the replacement of
/// a lost node only work when every etcd URL and certificate name follows the internal address.
/// </summary>
[NonParallelizable]
public class InternalAddressTests
{
    private EditedClusterYml _config = null!;

    [OneTimeSetUp]
    public async Task EtcdRunsOnASecondNetworkBetweenTheNodes()
    {
        await RestoreTestbed.RepairIfUnhealthyAsync();
        await Testbed.RunAsync("internal-net", "on");
        _config = EditedClusterYml.Write(WithInternalAddresses);
        // A new cluster: the members the old data knows advertise the addresses that are now refused.
        await RestoreTestbed.RecreateEtcdAsync(_config.Load(), node =>
        {
            foreach (var entry in new DirectoryInfo(RestoreTestbed.DataDirectory(node)).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo directory)
                {
                    directory.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }
            }

            return Task.CompletedTask;
        });
    }

    [OneTimeTearDown]
    public async Task BackToOneNetwork()
    {
        _config.Dispose();
        await Testbed.RunAsync("reset");
    }

    [Test]
    [Order(1)]
    public async Task Status_save_with_S3_list_and_restore_work_and_the_members_talk_over_the_internal_network()
    {
        await SetupOutline.RunAndCheckAsync(args => _config.RunAsync(args), "internal");

        await AssertRestoredOnTheInternalNetworkAsync([1, 2, 3], "internal");
    }

    [Test]
    [Order(2)]
    public async Task A_lost_node_is_replaced_by_a_bare_node_whose_certificate_carries_both_addresses()
    {
        await RestoreTestbed.PutAsync(SetupOutline.KeptKey("internal-dr"), "A");
        var save = await _config.RunAsync("etcd", "snapshot-save", "--name", "internal-dr");
        Assert.That(save.ExitCode, Is.Zero, save.ToString());
        await RestoreTestbed.PutAsync(SetupOutline.LostKey("internal-dr"), "B");
        await Testbed.RunAsync("destroy-node", "2");
        await Testbed.RunAsync("add-node", "4");
        using var replaced = EditedClusterYml.Write(_ => _config.Yaml
            .Replace(Testbed.NodeAddress(2) + "\n", Testbed.NodeAddress(4) + "\n", StringComparison.Ordinal)
            .Replace(Testbed.InternalAddress(2) + "\n", Testbed.InternalAddress(4) + "\n", StringComparison.Ordinal)
            .Replace("hostname_override: node2\n", "hostname_override: node4\n", StringComparison.Ordinal));

        var restore = await replaced.RunAsync("etcd", "snapshot-restore", "--name", "internal-dr");

        Assert.That(restore.ExitCode, Is.Zero, restore.ToString());
        await AssertRestoredOnTheInternalNetworkAsync([1, 4, 3], "internal-dr");
        var certificateFile = Path.Combine(Testbed.Directory, "nodes", "node4", "kubernetes", "ssl", $"kube-etcd-{Testbed.InternalAddress(4).Replace('.', '-')}.pem");
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certificateFile));
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateIPAddresses().Select(a => a.ToString());
        Assert.That(names, Does.Contain(Testbed.NodeAddress(4)).And.Contain(Testbed.InternalAddress(4)));
    }

    /// <summary>
    /// Exactly these members, healthy, each advertising its internal peer URL, with the snapshot's data on every node,
    /// and the recreated etcd containers' own etcdctl working (RKE points it at the internal address).
    /// </summary>
    private static async Task AssertRestoredOnTheInternalNetworkAsync(IReadOnlyList<int> nodes, string snapshot)
    {
        var members = await Testbed.RunAsync("etcdctl", Node(nodes[0]), "member", "list", "-w", "json");
        using var json = JsonDocument.Parse(members);
        var peers = json.RootElement.GetProperty("members").EnumerateArray()
            .SelectMany(m => m.GetProperty("peerURLs").EnumerateArray().Select(u => u.GetString())).ToList();
        Assert.That(peers, Is.EquivalentTo(nodes.Select(n => $"https://{Testbed.InternalAddress(n)}:2380")));
        foreach (var node in nodes)
        {
            var health = await Testbed.TryRunAsync("etcdctl", Node(node), "endpoint", "health");
            Assert.That(health.ExitCode, Is.Zero, $"node{node}: {health.Stdout}{health.Stderr}");
            Assert.That(await RestoreTestbed.GetLocalAsync(node, SetupOutline.KeptKey(snapshot)), Is.EqualTo("A"), $"node{node} holds the snapshot's data");
            Assert.That(await RestoreTestbed.GetLocalAsync(node, SetupOutline.LostKey(snapshot)), Is.Empty, $"node{node} lost the later write");
        }

        Assert.That(await RestoreTestbed.HelpersLeftAsync(nodes), Is.Empty);
    }

    private static string Node(int node) => node.ToString(CultureInfo.InvariantCulture);

    private static string WithInternalAddresses(string yaml)
    {
        foreach (var node in RestoreTestbed.Nodes)
        {
            yaml = yaml.Replace($"  - address: {Testbed.NodeAddress(node)}\n",
                $"  - address: {Testbed.NodeAddress(node)}\n    internal_address: {Testbed.InternalAddress(node)}\n", StringComparison.Ordinal);
        }

        return yaml;
    }
}
