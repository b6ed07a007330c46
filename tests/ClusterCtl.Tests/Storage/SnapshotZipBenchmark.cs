using System.Diagnostics;
using System.IO.Compression;
using ClusterCtl.Storage;
using ClusterCtl.Testing;

namespace ClusterCtl.Tests.Storage;

/// <summary>
/// Zip throughput at each compression level on Kubernetes-like and on random data. Explicit: it prints figures
/// for the storage notes and asserts nothing about speed (figures come from bench/ runs, not timed tests).
/// Run: dotnet test tests/ClusterCtl.Tests -c Release --filter "FullyQualifiedName~SnapshotZipBenchmark" --logger "console;verbosity=detailed"
/// </summary>
[Explicit("benchmark: run by hand")]
[Category("Benchmark")]
public class SnapshotZipBenchmark
{
    private const int Pages = 128 * 256; // 128 MiB of 4 KiB pages

    [TestCase(false, CompressionLevel.Fastest)]
    [TestCase(false, CompressionLevel.Optimal)]
    [TestCase(true, CompressionLevel.Fastest)]
    [TestCase(true, CompressionLevel.Optimal)]
    public async Task Zip_and_unzip_throughput(bool random, CompressionLevel level)
    {
        var snapshot = EtcdSnapshotFiles.Synthetic(Pages, random);
        var origin = new SnapshotOrigin("bench", DateTimeOffset.UtcNow, "3.5.16", 1, "bench");
        var zip = new MemoryStream(snapshot.Length + 1024 * 1024);

        var clock = Stopwatch.StartNew();
        var result = await new SnapshotZipWriter(level).WriteAsync("bench", new MemoryStream(snapshot), new UnseekableWriteStream(zip), origin, null, "bench", CancellationToken.None);
        var zipSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        await SnapshotZipReader.ReadAsync(new MemoryStream(zip.GetBuffer(), 0, (int)zip.Length), Stream.Null, "bench", CancellationToken.None);
        var unzipSeconds = clock.Elapsed.TotalSeconds;

        var megabytes = snapshot.Length / 1e6;
        TestContext.Out.WriteLine(
            $"{(random ? "random" : "k8s-like"),-8} {level,-8}: zip {megabytes / zipSeconds,6:F0} MB/s, ratio {(double)result.ZipLength / snapshot.Length:P1}, read+verify {megabytes / unzipSeconds,6:F0} MB/s ({megabytes:F0} MB)");
        Assert.That(result.Check.IsIntact, Is.True);
    }
}
