using ClusterCtl.Restore;

namespace ClusterCtl.Tests.Restore;

/// <summary>The revision the restored cluster must reach before the restore counts as done.</summary>
public class RestorePlanTests
{
    private static RestorePlan Plan(long snapshotRevision, bool bump) => new()
    {
        RunId = "run1",
        Source = new RestoreSource("s", "", snapshotRevision, "3.5.16", 20480),
        EtcdNodes = [],
        BumpRevision = bump,
    };

    [Test]
    public void With_the_revision_bump_the_restored_cluster_starts_at_the_snapshots_revision_plus_the_bump()
    {
        Assert.That(Plan(4711, bump: true).RevisionAtLeast, Is.EqualTo(4711 + 1_000_000_000L));
    }

    [Test]
    public void Without_the_bump_it_starts_at_the_snapshots_revision()
    {
        Assert.That(Plan(4711, bump: false).RevisionAtLeast, Is.EqualTo(4711));
    }

    [Test]
    public void A_snapshot_without_keys_or_of_unknown_revision_still_needs_the_whole_bump()
    {
        // What etcdutl does with a db that holds no key: it comes back at exactly the bump (seen on the testbed).
        Assert.That(Plan(0, bump: true).RevisionAtLeast, Is.EqualTo(1_000_000_000L));
    }

    [Test]
    public void Without_the_bump_an_empty_store_still_reports_revision_one()
    {
        Assert.That(Plan(0, bump: false).RevisionAtLeast, Is.EqualTo(1));
    }
}
