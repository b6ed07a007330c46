using ClusterCtl.Storage;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Storage;

/// <summary>The save and restore paths through S3: zip once, fan out to nodes and S3, read back and verify.</summary>
[Category("S3")]
public class S3SnapshotPipelineTests
{
    [OneTimeTearDown]
    public Task Delete_what_the_tests_stored() => S3rver.DeleteTestFoldersAsync();

    [Test]
    public async Task A_snapshot_zipped_once_reaches_two_nodes_and_s3_identically_and_reads_back_verified()
    {
        var snapshot = S3SnapshotStoreTests.SyntheticSnapshot(20 * 1024 * 1024);
        using var store = new S3SnapshotStore(S3rver.Options());
        var node1 = new MemoryStream();
        var node2 = new MemoryStream();
        var manifest = new TaskCompletionSource<SnapshotManifest>(TaskCreationOptions.RunContinuationsAsynchronously);
        S3UploadResult? uploaded = null;
        SnapshotZipResult zipped;
        IReadOnlyList<FanOutResult> results;

        await using (var fanOut = new FanOutStream(
            [
                FanOutDestination.WritingTo("node1", node1),
                FanOutDestination.WritingTo("node2", node2),
                FanOutDestination.Reading("s3", async (zip, ct) => uploaded = await store.UploadAsync("piped", zip, manifest.Task, null, ct)),
            ],
            CancellationToken.None))
        {
            zipped = await new SnapshotZipWriter().WriteAsync(
                "piped", new UnseekableReadStream(snapshot), fanOut, new SnapshotOrigin("prod", DateTimeOffset.UtcNow, "3.5.16", 7, "etcd-node1"), "{}"u8.ToArray(), "piped", CancellationToken.None);
            manifest.SetResult(zipped.Manifest);
            results = await fanOut.CompleteAsync(CancellationToken.None);
        }

        Assert.That(results.Select(r => r.Error), Is.All.Null);
        Assert.That(node1.ToArray(), Is.EqualTo(node2.ToArray()));
        Assert.That(uploaded!.ZipSha256, Is.EqualTo(zipped.ZipSha256));
        Assert.That((await store.ListAsync(CancellationToken.None)).Single().Manifest, Is.EqualTo(zipped.Manifest));

        var restored = new MemoryStream();
        await using (var download = await store.OpenReadAsync("piped", CancellationToken.None))
        {
            var read = await SnapshotZipReader.ReadAsync(download, restored, $"piped in {store.Location}", CancellationToken.None);
            Assert.That(read.Manifest, Is.EqualTo(zipped.Manifest));
            Assert.That(read.RkeState, Is.EqualTo("{}"u8.ToArray()));
        }

        Assert.That(restored.ToArray(), Is.EqualTo(snapshot));
    }

    [Test]
    public async Task A_corrupt_snapshot_never_reaches_s3()
    {
        var snapshot = S3SnapshotStoreTests.SyntheticSnapshot(3 * 1024 * 1024);
        snapshot[snapshot.Length / 2] ^= 1;

        // 1 MiB parts: s3rver cannot abort an upload (405) and keeps its parts.
        using var store = new S3SnapshotStore(S3rver.Options(), 1024 * 1024, 2);
        var manifest = new TaskCompletionSource<SnapshotManifest>(TaskCreationOptions.RunContinuationsAsynchronously);
        var fanOut = new FanOutStream(
            [FanOutDestination.Reading("s3", async (zip, ct) => await store.UploadAsync("corrupt", zip, manifest.Task, null, ct))],
            CancellationToken.None);
        await using (fanOut)
        {
            var error = Assert.ThrowsAsync<SnapshotCorruptException>(() => new SnapshotZipWriter().WriteAsync(
                "corrupt", new UnseekableReadStream(snapshot), fanOut, new SnapshotOrigin(null, DateTimeOffset.UtcNow, null, null, null), null, "corrupt on node1", CancellationToken.None));
            manifest.SetException(error!);
            var results = await fanOut.AbortAsync(error!, CancellationToken.None);

            Assert.That(results.Single().Succeeded, Is.False);
        }

        Assert.That(await store.ExistsAsync("corrupt", CancellationToken.None), Is.False);
    }
}
