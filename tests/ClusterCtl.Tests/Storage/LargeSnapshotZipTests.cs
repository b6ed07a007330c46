using ClusterCtl.Storage;
using ClusterCtl.Testing;

namespace ClusterCtl.Tests.Storage;

/// <summary>
/// A db over 4 GiB needs zip64 sizes: on an unseekable stream ZipArchive puts them in the data descriptor and
/// the central directory only. It pushes 4.3 GB of zero pages through deflate, SHA-256 and inflate: about 10 s
/// here, kept in the suite because etcd dbs reach 8 GiB and nothing else covers zip64.
/// </summary>
[Category("Slow")]
public class LargeSnapshotZipTests
{
    [Test]
    public async Task A_db_over_4_GiB_round_trips_through_an_unseekable_zip()
    {
        const long dbLength = (4L << 30) + (64L << 20);
        var zip = new MemoryStream();

        var written = await new SnapshotZipWriter().WriteAsync(
            "huge", new ZeroDbStream(dbLength), new UnseekableWriteStream(zip), new SnapshotOrigin(null, DateTimeOffset.UtcNow, null, null, null), null, "huge", CancellationToken.None);
        zip.Position = 0;
        var extracted = new CountingStream();
        var read = await SnapshotZipReader.ReadAsync(zip, extracted, "huge", CancellationToken.None);

        Assert.That(written.Check.Length, Is.EqualTo(dbLength + 32));
        Assert.That(extracted.Count, Is.EqualTo(dbLength + 32));
        Assert.That(read.Check.DbSha256, Is.EqualTo(written.Check.DbSha256));
        Assert.That(read.Manifest!.DbSize, Is.EqualTo(dbLength + 32));
    }
}
