using ClusterCtl.Etcd;
using ClusterCtl.Schedule;
using ClusterCtl.Storage;

namespace ClusterCtl.Tests.Schedule;

public class ScheduledPrunePlanTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private static readonly SnapshotOwnership Prod = new("prod", ["etcd-a", "etcd-b"]);

    [Test]
    public void Only_scheduled_snapshots_count_towards_the_retention_and_only_they_are_removed()
    {
        var listings = NewestFirst(
            Scheduled(5), OneOff("before-upgrade", 4.5), Scheduled(4), Scheduled(3), OneOff("prod_etcd_snapshot_2026-11-21T09-00-00Z", 2.5), Scheduled(2), Scheduled(1));

        var plan = ScheduledPrunePlan.For(listings, Prod, "prod", retention: 2);

        Assert.That(plan.Keep.Select(s => s.Name), Is.EqualTo(new[] { Name(5), Name(4) }));
        Assert.That(plan.Remove.Select(s => s.Name), Is.EquivalentTo(new[] { Name(3), Name(2), Name(1) }));
    }

    [Test]
    public void The_newest_scheduled_snapshot_that_verifies_is_kept_beyond_the_retention()
    {
        var listings = NewestFirst(Scheduled(3, verified: false), Scheduled(2, verified: false), Scheduled(1));

        var plan = ScheduledPrunePlan.For(listings, Prod, "prod", retention: 1);

        Assert.That(plan.Keep.Select(s => s.Name), Is.EquivalentTo(new[] { Name(3), Name(1) }));
        Assert.That(plan.Remove.Select(s => s.Name), Is.EqualTo(new[] { Name(2) }));
    }

    [Test]
    public void Another_clusters_scheduled_snapshots_in_the_same_folder_are_left_alone()
    {
        var other = OneOff("staging_etcd_snapshot_scheduled_2026-11-21T01-00-00Z", 0.5);
        var plan = ScheduledPrunePlan.For(NewestFirst(Scheduled(2), Scheduled(1), other), Prod, "prod", retention: 1);

        Assert.That(plan.Remove.Select(s => s.Name), Is.EqualTo(new[] { Name(1) }));
    }

    [Test]
    public void A_scheduled_name_of_a_cluster_with_the_same_name_but_other_members_is_not_ours_and_stays()
    {
        var twin = Scheduled(1) with { Manifest = Manifest(Name(1), "prod", "etcd-x", "etcd-y") };
        var plan = ScheduledPrunePlan.For(NewestFirst(Scheduled(3), Scheduled(2), twin), Prod, "prod", retention: 1);

        Assert.That(plan.Remove.Select(s => s.Name), Is.EqualTo(new[] { Name(2) }));
        Assert.That(plan.NotOurs, Does.Contain(twin));
    }

    [Test]
    public void A_scheduled_name_without_our_manifest_is_never_removed()
    {
        var bare = Scheduled(1) with { Manifest = null };
        var plan = ScheduledPrunePlan.For(NewestFirst(Scheduled(3), Scheduled(2), bare), Prod, "prod", retention: 1);

        Assert.That(plan.Remove.Select(s => s.Name), Is.EqualTo(new[] { Name(2) }));
    }

    [Test]
    public void The_newest_scheduled_time_comes_from_the_names_and_ignores_one_off_snapshots()
    {
        var listings = NewestFirst(OneOff("later-by-hand", 9), Scheduled(3), Scheduled(1));

        Assert.That(ScheduledPrunePlan.NewestScheduled(listings, Prod, "prod"), Is.EqualTo(Noon.AddHours(-9).AddHours(3)));
        Assert.That(ScheduledPrunePlan.NewestScheduled(NewestFirst(OneOff("x", 1)), Prod, "prod"), Is.Null);
    }

    [Test]
    public void The_newest_scheduled_time_ignores_another_clusters_snapshot_of_the_same_name()
    {
        var twin = Scheduled(5) with { Manifest = Manifest(Name(5), "prod", "etcd-x") };

        Assert.That(ScheduledPrunePlan.NewestScheduled(NewestFirst(twin, Scheduled(2)), Prod, "prod"), Is.EqualTo(Noon.AddHours(-9).AddHours(2)));
    }

    private static string Name(int hour) => ScheduledSnapshotName.For("prod", Noon.AddHours(-9).AddHours(hour));

    private static SnapshotListing Scheduled(int hour, bool verified = true) =>
        Listing(Name(hour), Noon.AddHours(-9).AddHours(hour), verified);

    private static SnapshotListing OneOff(string name, double hour) => Listing(name, Noon.AddHours(-9).AddHours(hour), true);

    private static SnapshotListing Listing(string name, DateTimeOffset created, bool verified) => new()
    {
        Name = name,
        CreatedAt = created,
        NodeCopies = new Dictionary<string, string> { ["10.0.0.1"] = "aa", ["10.0.0.2"] = verified ? "aa" : "bb" },
        Manifest = Manifest(name, "prod", "etcd-a", "etcd-b"),
    };

    private static SnapshotManifest Manifest(string name, string cluster, params string[] members) =>
        new(1, name, cluster, Noon, null, 1, 1, new string('a', 64), null, null, members);

    private static List<SnapshotListing> NewestFirst(params SnapshotListing[] listings) => listings.OrderByDescending(l => l.CreatedAt).ToList();
}
