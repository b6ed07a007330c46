using System.Security.Cryptography;
using ClusterCtl.IntegrationTests.Restore;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Faults;

/// <summary>
/// The S3 store goes away while a save uploads to it: the nodes' copies must be saved and verified, no half object
/// may be listed as a snapshot once the store is back, and the error must give the cause.
/// </summary>
[NonParallelizable]
public class S3StopsDuringSaveTests
{
    [TearDown]
    public async Task BringTheStoreBack()
    {
        await Testbed.RunAsync("slow-s3", "off");
        await Testbed.RunAsync("start-s3");
    }

    [Test]
    public async Task A_store_stopped_mid_upload_leaves_no_object_and_the_nodes_keep_verified_copies()
    {
        // A zip of a few hundred KB, which a store slowed to 100 kbit/s takes many seconds to take in.
        await RestoreTestbed.PutIncompressibleAsync("/registry/configmaps/s3-stops", 24);

        var name = "s3-stops-" + Guid.NewGuid().ToString("N")[..6];
        var folder = "s3-stops-" + Guid.NewGuid().ToString("N")[..8];
        await Testbed.RunAsync("slow-s3", "100kbit");

        CliResult result;
        await using (var save = ClusterCtlProcess.Start(["etcd", "snapshot-save", "--name", name, "--config", Testbed.ClusterYml, "--known-hosts", Testbed.NewKnownHostsFile(), .. TestbedCli.S3Flags(folder)]))
        {
            // The zip goes up once it is written, which the line "db ... zip ..." marks.
            await save.WaitForLinesAsync(l => l.Contains("Taking snapshot", StringComparison.Ordinal), 1, TimeSpan.FromMinutes(2));
            await Task.Delay(TimeSpan.FromSeconds(4));
            await Testbed.RunAsync("stop-s3");
            result = await save.WaitForExitAsync(TimeSpan.FromMinutes(3));
        }

        await Testbed.RunAsync("slow-s3", "off");
        await Testbed.RunAsync("start-s3");
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.StderrLines[^1], Does.Contain("s3://").And.Contain("the verified copies on"), "names S3 with its cause and keeps the nodes' copies");
        var hashes = RestoreTestbed.Nodes.Select(n => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(TestbedCli.SnapshotPath(n, name + ".zip"))))).ToList();
        Assert.That(hashes.Distinct().Count(), Is.EqualTo(1), "every node holds the same zip");
        var listed = await TestbedCli.RunAsync(["etcd", "snapshot-list", "--output", "json", .. TestbedCli.S3Flags(folder)]);
        Assert.That(listed.ExitCode, Is.Zero, listed.ToString());
        var entry = TestbedCli.Json(listed).EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);
        // S3, MinIO and Ceph drop a cut-off PUT; s3rver keeps what it got as an object. Either way the listing must
        // not pass a half object off as a good copy.
        Assert.That(!entry.GetProperty("inS3").GetBoolean() || !entry.GetProperty("copiesAgree").GetBoolean(), Is.True,
            "a half object is never listed as a copy that agrees\n" + listed.Stdout);
        Assert.That(await RestoreTestbed.HelpersLeftAsync(), Is.Empty);
    }
}
