using System.IO.Compression;
using System.Text.Json;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Snapshots;

/// <summary>What snapshot-save writes, checked with the etcd image's own tools: against etcd 3.5 and 3.4.</summary>
[TestFixture("3.5")]
[TestFixture("3.4")]
public class SnapshotSaveTests(string etcdVersion) : SnapshotSaveFixture(etcdVersion)
{
    [Test]
    public async Task Every_node_and_S3_hold_the_same_verified_zip()
    {
        await Testbed.RunAsync("etcdctl", "1", "put", "/registry/test/a", "1");
        var name = Name("all");

        var result = await TestbedCli.RunAsync(["etcd", "snapshot-save", "--name", name, "--output", "json", .. TestbedCli.S3Flags(Folder)]);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var report = TestbedCli.Json(result);
        var zipSha = report.GetProperty("zipSha256").GetString();
        for (var n = 1; n <= Testbed.NodeCount; n++)
        {
            var path = TestbedCli.SnapshotPath(n, name + ".zip");
            Assert.That(Sha256(await File.ReadAllBytesAsync(path)), Is.EqualTo(zipSha), $"node{n}");
            Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite), $"node{n} mode");
        }

        var s3Object = Path.Combine(Testbed.Directory, "s3", Testbed.Env["TB_S3_BUCKET"], Folder, name + ".zip._S3rver_object");
        Assert.That(Sha256(await File.ReadAllBytesAsync(s3Object)), Is.EqualTo(zipSha), "the S3 object's bytes equal the node copies");
        Assert.That(report.GetProperty("copies").EnumerateArray().Select(c => c.GetProperty("succeeded").GetBoolean()), Has.All.True);
    }

    [Test]
    public async Task Etcd_itself_accepts_the_db_in_the_zip_and_reports_the_manifests_revision()
    {
        await Testbed.RunAsync("etcdctl", "1", "put", "/registry/test/b", "2");
        var name = Name("status");
        var result = await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", name);
        Assert.That(result.ExitCode, Is.Zero, result.ToString());

        // Unpack on node 2 with the etcd image's own tools, as an operator would.
        using var zip = ZipFile.OpenRead(TestbedCli.SnapshotPath(2, name + ".zip"));
        Assert.That(zip.Entries.Select(e => e.FullName), Is.SupersetOf(new[] { "/backup/" + name, "clusterctl-manifest.json" }));
        using var manifest = JsonDocument.Parse(zip.GetEntry("clusterctl-manifest.json")!.Open());
        var revision = manifest.RootElement.GetProperty("revision").GetInt64();
        zip.GetEntry("/backup/" + name)!.ExtractToFile(TestbedCli.SnapshotPath(2, "extracted.db"), overwrite: true);
        try
        {
            var tool = EtcdVersion == "3.4" ? "etcdctl" : "etcdutl";
            var status = await Testbed.RunAsync("docker", "2", "run", "--rm", "-v", "/opt/rke/etcd-snapshots:/backup", "-e", "ETCDCTL_API=3",
                "--entrypoint", tool, Testbed.Env["TB_ETCD_IMAGE"], "snapshot", "status", "/backup/extracted.db", "-w", "json");
            using var json = JsonDocument.Parse(status);
            Assert.That(json.RootElement.GetProperty("revision").GetInt64(), Is.EqualTo(revision));
            Assert.That(revision, Is.GreaterThan(1));
        }
        finally
        {
            File.Delete(TestbedCli.SnapshotPath(2, "extracted.db"));
        }
    }
}
