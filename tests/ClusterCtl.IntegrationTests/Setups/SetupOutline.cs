using ClusterCtl.IntegrationTests.Restore;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Setups;

/// <summary>
/// What every set-up test runs on its shape of cluster, as a user runs it: status, a save with S3, a later write, the
/// listing and a restore. Checks each step's exit code, the listed snapshot (in S3, its copies agreeing), the
/// snapshot's data without the later write on every node, and that no helper is left.
/// </summary>
internal static class SetupOutline
{
    public static string KeptKey(string snapshot) => $"/registry/configmaps/default/{snapshot}-a";

    public static string LostKey(string snapshot) => $"/registry/configmaps/default/{snapshot}-b";

    /// <param name="clusterctl">clusterctl with the set-up's cluster.yml and known_hosts.</param>
    /// <param name="snapshot">The snapshot's name; it also names the keys and the S3 folder.</param>
    public static async Task RunAndCheckAsync(Func<string[], Task<CliResult>> clusterctl, string snapshot)
    {
        var folder = snapshot + "-" + Guid.NewGuid().ToString("N")[..8];
        await RestoreTestbed.PutAsync(KeptKey(snapshot), "A");

        var status = await clusterctl(["etcd", "status"]);
        var save = await clusterctl(["etcd", "snapshot-save", "--name", snapshot, .. TestbedCli.S3Flags(folder)]);
        await RestoreTestbed.PutAsync(LostKey(snapshot), "B");
        var list = await clusterctl(["etcd", "snapshot-list", "--output", "json", .. TestbedCli.S3Flags(folder)]);
        var restore = await clusterctl(["etcd", "snapshot-restore", "--name", snapshot]);

        Assert.That(status.ExitCode, Is.Zero, status.ToString());
        Assert.That(save.ExitCode, Is.Zero, save.ToString());
        Assert.That(list.ExitCode, Is.Zero, list.ToString());
        var entry = TestbedCli.Json(list).EnumerateArray().Single(s => s.GetProperty("name").GetString() == snapshot);
        Assert.That(entry.GetProperty("inS3").GetBoolean(), Is.True);
        Assert.That(entry.GetProperty("copiesAgree").GetBoolean(), Is.True);
        Assert.That(restore.ExitCode, Is.Zero, restore.ToString());
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(await RestoreTestbed.GetLocalAsync(node, KeptKey(snapshot)), Is.EqualTo("A"), $"node{node} holds the snapshot's data");
            Assert.That(await RestoreTestbed.GetLocalAsync(node, LostKey(snapshot)), Is.Empty, $"node{node} lost the later write");
        }

        Assert.That(await RestoreTestbed.HelpersLeftAsync(), Is.Empty);
    }
}
