using System.Diagnostics;
using System.Globalization;
using ClusterCtl.IntegrationTests.Restore;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Setups;

/// <summary>
/// Nodes reachable only through <c>bastion_host</c>: one more host (a bare node) is the bastion, and this machine can no
/// longer connect to the etcd nodes directly. Status, a save with S3, the listing and a restore all work through it,
/// and the host keys of both hops are recorded and checked.
/// </summary>
[NonParallelizable]
public class BastionHostTests
{
    private const int BastionNode = 9;

    private EditedClusterYml _config = null!;
    private string _bastion = null!;

    [OneTimeSetUp]
    public async Task NodesBehindAWallWithABastionInFront()
    {
        await RestoreTestbed.RepairIfUnhealthyAsync();
        await Testbed.RunAsync("add-node", Node(BastionNode));
        _bastion = Testbed.NodeAddress(BastionNode);
        _config = EditedClusterYml.Write(yaml => yaml.Replace("nodes:\n",
            $"bastion_host:\n  address: {_bastion}\n  user: root\n  ssh_key_path: {Testbed.SshKey}\nnodes:\n", StringComparison.Ordinal));
        foreach (var node in RestoreTestbed.Nodes)
        {
            await Testbed.RunAsync("refuse-direct", Node(node));
        }
    }

    [OneTimeTearDown]
    public async Task BackToDirectRoutes()
    {
        _config.Dispose();
        await Testbed.RunAsync("reset");
    }

    [Test]
    public async Task Status_save_with_S3_list_and_restore_work_through_the_bastion_and_both_hops_host_keys_are_checked()
    {
        var knownHosts = Testbed.NewKnownHostsFile();
        var direct = await ClusterCtlRunner.RunAsync("etcd", "status", "--config", Testbed.ClusterYml, "--known-hosts", Testbed.NewKnownHostsFile());
        await SetupOutline.RunAndCheckAsync(args => _config.RunWithKnownHostsAsync(knownHosts, args), "via-bastion");
        await Testbed.RunAsync("rekey", Node(BastionNode));
        var afterRekey = await _config.RunWithKnownHostsAsync(knownHosts, "etcd", "status");

        Assert.That(direct.ExitCode, Is.Not.Zero, "the nodes really are out of this machine's direct reach: " + direct);
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(IsRecorded(knownHosts, Testbed.NodeAddress(node)), Is.True, $"node{node}'s host key was recorded");
        }

        Assert.That(IsRecorded(knownHosts, _bastion), Is.True, "the bastion's host key was recorded");
        Assert.That(afterRekey.ExitCode, Is.EqualTo(ExitCodes.Failed), afterRekey.ToString());
        Assert.That(afterRekey.StderrLines[^1], Does.Contain($"host key of bastion root@{_bastion}").And.Contain("changed"));
    }

    // The file is hashed (HashKnownHosts), so ask ssh-keygen whether it holds a key for the address.
    private static bool IsRecorded(string knownHosts, string address)
    {
        using var lookup = Process.Start(new ProcessStartInfo("ssh-keygen", ["-F", address, "-f", knownHosts]) { RedirectStandardOutput = true })!;
        lookup.StandardOutput.ReadToEnd();
        lookup.WaitForExit();
        return lookup.ExitCode == 0;
    }

    private static string Node(int node) => node.ToString(CultureInfo.InvariantCulture);
}
