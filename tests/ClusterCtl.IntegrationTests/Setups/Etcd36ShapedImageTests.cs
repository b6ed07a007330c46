using System.IO.Compression;
using System.Text.Json;
using ClusterCtl.IntegrationTests.Restore;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Setups;

/// <summary>
/// An etcd image shaped like 3.6, whose etcdctl has lost <c>snapshot status</c> and <c>snapshot restore</c> (it prints
/// its help for them and exits 0, as 3.6's does) while etcdutl has them. No 3.6 binaries are packaged here, so the
/// testbed builds that shape from 3.5. Save, list, verify and restore must do their offline work with etcdutl.
/// </summary>
[NonParallelizable]
public class Etcd36ShapedImageTests
{
    [OneTimeSetUp]
    public Task AClusterOnTheShapedImage() => Testbed.RunAsync("reset", "--etcd", "3.6");

    [OneTimeTearDown]
    public Task BackToTheDefault() => Testbed.RunAsync("reset", "--etcd", "3.5");

    [Test]
    public async Task The_image_etcdctl_really_lacks_the_offline_snapshot_commands()
    {
        var status = await Testbed.TryRunAsync("docker", "1", "run", "--rm", "--entrypoint", "etcdctl", Testbed.Env["TB_ETCD_IMAGE"], "snapshot", "status", "/nothing.db");

        Assert.That(status.ExitCode, Is.Zero, "3.6's etcdctl answers an unknown subcommand with its help");
        Assert.That(status.Stdout, Does.Contain("Manages etcd node snapshots").And.Not.Contain("revision"));
    }

    [Test]
    public async Task Save_with_S3_records_the_revision_and_list_verify_and_restore_work()
    {
        var folder = "etcd36-" + Guid.NewGuid().ToString("N")[..8];
        await RestoreTestbed.PutAsync("/registry/configmaps/default/a", "A");

        var save = await TestbedCli.RunAsync(["etcd", "snapshot-save", "--name", "shaped36", .. TestbedCli.S3Flags(folder)]);
        var list = await TestbedCli.RunAsync(["etcd", "snapshot-list", "--output", "json", .. TestbedCli.S3Flags(folder)]);
        var verify = await TestbedCli.RunAsync("etcd", "snapshot-verify", "--name", "shaped36", "--output", "json");
        await RestoreTestbed.PutAsync("/registry/configmaps/default/b", "B");
        var restore = await TestbedCli.RunAsync("etcd", "snapshot-restore", "--name", "shaped36");

        Assert.That(save.ExitCode, Is.Zero, save.ToString());
        Assert.That(save.Stderr, Does.Not.Contain("records none"), "the revision was read from the file");
        Assert.That(ManifestRevision("shaped36"), Is.GreaterThan(0));
        Assert.That(list.ExitCode, Is.Zero, list.ToString());
        var entry = TestbedCli.Json(list).EnumerateArray().Single(s => s.GetProperty("name").GetString() == "shaped36");
        Assert.That(entry.GetProperty("inS3").GetBoolean(), Is.True);
        Assert.That(entry.GetProperty("copiesAgree").GetBoolean(), Is.True);
        Assert.That(verify.ExitCode, Is.Zero, verify.ToString());
        var drill = TestbedCli.Json(verify);
        Assert.That(drill.GetProperty("verified").GetBoolean(), Is.True);
        Assert.That(drill.GetProperty("hashMatches").GetBoolean(), Is.True);
        Assert.That(drill.GetProperty("revision").GetInt64(), Is.EqualTo(ManifestRevision("shaped36")));
        Assert.That(restore.ExitCode, Is.Zero, restore.ToString());
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(await RestoreTestbed.GetLocalAsync(node, "/registry/configmaps/default/a"), Is.EqualTo("A"), $"node{node} holds the snapshot's data");
            Assert.That(await RestoreTestbed.GetLocalAsync(node, "/registry/configmaps/default/b"), Is.Not.EqualTo("B"), $"node{node} lost the later write");
        }

        Assert.That(await RestoreTestbed.HelpersLeftAsync(), Is.Empty);
    }

    private static long ManifestRevision(string name)
    {
        using var zip = ZipFile.OpenRead(TestbedCli.SnapshotPath(1, name + ".zip"));
        using var manifest = JsonDocument.Parse(zip.GetEntry("clusterctl-manifest.json")!.Open());
        return manifest.RootElement.GetProperty("revision").GetInt64();
    }
}
