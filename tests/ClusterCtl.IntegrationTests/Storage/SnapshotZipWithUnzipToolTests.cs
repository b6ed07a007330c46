using System.Diagnostics;
using System.Text;
using ClusterCtl.Storage;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Storage;

/// <summary>Our zips open with Info-ZIP's unzip, as an operator would open one by hand; no testbed needed.</summary>
public class SnapshotZipWithUnzipToolTests
{
    private const string Name = "prod_etcd_snapshot_2026-11-21T10-27-42Z";
    private const string Unzip = "/usr/bin/unzip";
    private static readonly SnapshotOrigin Origin = new("prod", new DateTimeOffset(2026, 11, 21, 10, 27, 42, TimeSpan.Zero), "3.4.23", 42, "etcd-node1");

    [Test]
    public async Task The_zip_extracts_with_the_unzip_tool()
    {
        // CI installs unzip (tests/testbed/lib.sh): a missing tool is a broken machine, not a reason to skip.
        Assert.That(File.Exists(Unzip), Is.True, $"{Unzip} is missing: apt-get install unzip");
        var zip = new MemoryStream();
        await new SnapshotZipWriter().WriteAsync(
            Name, new UnseekableReadStream(EtcdSnapshotFiles.Real, 10_000), new UnseekableWriteStream(zip), Origin,
            Encoding.UTF8.GetBytes("{}"), "snap", CancellationToken.None);
        var path = Path.Combine(Path.GetTempPath(), $"clusterctl-{Guid.NewGuid():N}.zip");
        await File.WriteAllBytesAsync(path, zip.ToArray());
        try
        {
            var start = new ProcessStartInfo(Unzip, ["-p", path, "/backup/" + Name]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var unzip = Process.Start(start)!;
            var output = new MemoryStream();
            var stderr = unzip.StandardError.ReadToEndAsync();
            await unzip.StandardOutput.BaseStream.CopyToAsync(output);
            await unzip.WaitForExitAsync();

            Assert.That(unzip.ExitCode, Is.Zero, await stderr);
            Assert.That(output.ToArray(), Is.EqualTo(EtcdSnapshotFiles.Real));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
