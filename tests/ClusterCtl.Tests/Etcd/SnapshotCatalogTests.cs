using ClusterCtl.Etcd;
using ClusterCtl.Storage;

namespace ClusterCtl.Tests.Etcd;

public class SnapshotCatalogTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Test]
    public void A_snapshot_drilled_only_in_S3_is_listed_as_verified()
    {
        var s3 = new S3SnapshotEntry("snap", "f/snap.zip", 10, Noon, null, Sha, IsZip: true, VerifiedAt: Noon.AddHours(1));

        var listing = SnapshotCatalog.Merge([("node1", [])], [s3]).Single();

        Assert.That(listing.VerifiedAt, Is.EqualTo(Noon.AddHours(1)));
        Assert.That(listing.InS3, Is.True);
    }

    [Test]
    public void The_newest_drill_of_any_copy_is_the_snapshots()
    {
        var node1 = new NodeSnapshotFile("snap.zip", 10, Noon, Sha, null, 20, VerifiedAt: Noon.AddHours(2));
        var node2 = new NodeSnapshotFile("snap.zip", 10, Noon, Sha, null, 20);
        var s3 = new S3SnapshotEntry("snap", "f/snap.zip", 10, Noon, null, Sha, IsZip: true, VerifiedAt: Noon.AddHours(1));

        var listing = SnapshotCatalog.Merge([("node1", [node1]), ("node2", [node2])], [s3]).Single();
        var never = SnapshotCatalog.Merge([("node2", [node2])], [s3 with { VerifiedAt = null }]).Single();

        Assert.That(listing.VerifiedAt, Is.EqualTo(Noon.AddHours(2)));
        Assert.That(never.VerifiedAt, Is.Null);
    }

    [Test]
    public void An_S3_object_without_our_hash_and_of_another_size_than_the_nodes_zips_makes_the_copies_differ()
    {
        var node = new NodeSnapshotFile("snap.zip", 10, Noon, Sha, null, 20);
        var cutOff = new S3SnapshotEntry("snap", "f/snap.zip", 4, Noon, null, null, IsZip: true);

        var differs = SnapshotCatalog.Merge([("node1", [node])], [cutOff]).Single();
        var sameSize = SnapshotCatalog.Merge([("node1", [node])], [cutOff with { Size = 10 }]).Single();
        var onlyInS3 = SnapshotCatalog.Merge([("node1", [])], [cutOff]).Single();

        Assert.That(differs.CopiesAgree, Is.False);
        Assert.That(sameSize.CopiesAgree, Is.True, "without a hash, the same size is all that can be told");
        Assert.That(onlyInS3.CopiesAgree, Is.True, "nothing to compare with");
    }
}
