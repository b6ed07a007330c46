using ClusterCtl.Storage;
using ClusterCtl.Verify;

namespace ClusterCtl.Tests.Verify;

public class DrillComparisonTests
{
    private static readonly SnapshotProof Recorded = new(1111, 41, Counts(("pods", 30), ("secrets", 7)));

    private static readonly SnapshotManifest Manifest = new(
        1, "snap", "prod", DateTimeOffset.UnixEpoch, "3.5.16", 1234, 40992, new string('a', 64), "etcd-node1", "0.1.0", null, Recorded);

    private static readonly SnapshotDrillReport Started = new() { Name = "snap", Node = "node1", Copy = "snap.zip on node1" };

    [Test]
    public void A_snapshot_that_serves_what_was_recorded_is_verified()
    {
        var report = DrillComparison.Compare(Started, Manifest, 1234, Recorded);

        Assert.That(report.Verified, Is.True);
        Assert.That(report.HashMatches, Is.True);
        Assert.That(report.Mismatches, Is.Empty);
        Assert.That(report.TotalKeys, Is.EqualTo(37));
    }

    [Test]
    public void Every_difference_is_named_revision_hash_and_each_resource()
    {
        var restored = new SnapshotProof(2222, 41, Counts(("pods", 29), ("configmaps", 1), ("secrets", 7)));

        var report = DrillComparison.Compare(Started, Manifest, 1200, restored);

        Assert.That(report.Verified, Is.False);
        Assert.That(report.HashMatches, Is.False);
        Assert.That(report.Mismatches, Is.EqualTo(new[]
        {
            "revision: recorded 1234, restored 1200",
            "hashkv at revision 1200: recorded 1111, restored 2222",
            "configmaps: 0 keys recorded, 1 restored",
            "pods: 30 keys recorded, 29 restored",
        }));
    }

    [Test]
    public void A_hash_taken_under_another_compaction_is_not_compared_but_the_counts_are()
    {
        var restored = Recorded with { HashKv = 9999, CompactRevision = 12 };

        var report = DrillComparison.Compare(Started, Manifest, 1234, restored);

        Assert.That(report.Verified, Is.True);
        Assert.That(report.HashMatches, Is.Null);
        Assert.That(report.Notes.Single(), Does.StartWith("hashkv not compared"));
    }

    [Test]
    public void A_snapshot_without_recorded_proof_restores_and_serves_with_nothing_to_compare()
    {
        var report = DrillComparison.Compare(Started, null, 77, Recorded);

        Assert.That(report.Verified, Is.True);
        Assert.That(report.HashMatches, Is.Null);
        Assert.That(report.Notes.Single(), Is.EqualTo("restores and serves, 37 keys; no recorded hash to compare"));
    }

    private static SortedDictionary<string, long> Counts(params (string Resource, long Keys)[] counts) =>
        new(counts.ToDictionary(c => c.Resource, c => c.Keys), StringComparer.Ordinal);
}
