using System.Security.Cryptography;
using ClusterCtl.IntegrationTests.Restore;

namespace ClusterCtl.IntegrationTests.Faults;

/// <summary>
/// A node's snapshot disk fills up in the middle of a save (a tmpfs smaller than the zip, mounted inside the node):
/// every other copy must be good, the full node must keep no partial file, and the error must name it and its free space.
/// </summary>
[NonParallelizable]
public class DiskFullDuringSaveTests
{
    private const int FullNode = 2;

    [TearDown]
    public Task PutTheDiskBack() => Testbed.RunAsync("small-disk", "2", "off");

    [Test]
    public async Task A_node_whose_disk_fills_keeps_no_partial_file_and_is_named_with_its_free_space_while_the_other_copies_are_good()
    {
        // A zip of well over the 64 KiB the disk holds.
        await RestoreTestbed.PutIncompressibleAsync("/registry/configmaps/full", 16);

        var name = "full-" + Guid.NewGuid().ToString("N")[..6];
        var folder = "full-" + Guid.NewGuid().ToString("N")[..8];
        await Testbed.RunAsync("small-disk", "2", "64k");

        var result = await TestbedCli.RunAsync(["etcd", "snapshot-save", "--name", name, .. TestbedCli.S3Flags(folder)]);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.StderrLines[^1], Does.Contain(Testbed.NodeAddress(FullNode)).And.Match(@"\d+ MiB free"), "names the node and its free space");
        var onFullDisk = await Testbed.RunAsync("docker", "2", "run", "--rm", "-v", "/opt/rke/etcd-snapshots:/s", "local/busybox:1", "ls", "-A", "/s");
        Assert.That(onFullDisk.Trim(), Is.Empty, "no partial file, no checksum, no zip on the full disk");
        var hashes = new[] { 1, 3 }.Select(n => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(TestbedCli.SnapshotPath(n, name + ".zip"))))).ToList();
        Assert.That(hashes.Distinct().Count(), Is.EqualTo(1), "the other nodes hold the same zip");
        var listed = await TestbedCli.RunAsync(["etcd", "snapshot-list", "--output", "json", .. TestbedCli.S3Flags(folder)]);
        var entry = TestbedCli.Json(listed).EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);
        Assert.That(entry.GetProperty("inS3").GetBoolean(), Is.True, "S3 got its copy too");
        Assert.That(entry.GetProperty("copiesAgree").GetBoolean(), Is.True, listed.ToString());
        Assert.That(await RestoreTestbed.HelpersLeftAsync(), Is.Empty);
    }
}
