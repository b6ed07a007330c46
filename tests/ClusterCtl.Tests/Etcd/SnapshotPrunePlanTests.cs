using ClusterCtl.Etcd;
using ClusterCtl.Storage;

namespace ClusterCtl.Tests.Etcd;

public class SnapshotPrunePlanTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private static readonly SnapshotOwnership Prod = new("prod", ["etcd-a", "etcd-b"]);

    [Test]
    public void Snapshots_that_are_not_ours_neither_count_towards_the_retention_nor_are_removed()
    {
        var listings = NewestFirst(
            Ours("p4", 4), Rke("rke-zip", 3.5), Ours("p3", 3), Other("staging-snap", "staging", 2.5, "etcd-a"),
            Ours("p2", 2), Other("twin-rke", "prod", 1.5, "etcd-x"), Ours("p1", 1), Rke("by-hand", 0.5));

        var plan = SnapshotPrunePlan.For(listings, 2, Prod.IsOurs);

        Assert.That(plan.Keep.Select(s => s.Name), Is.EqualTo(new[] { "p4", "p3" }));
        Assert.That(plan.Remove.Select(s => s.Name), Is.EquivalentTo(new[] { "p2", "p1" }));
        Assert.That(plan.NotOurs.Select(s => s.Name), Is.EquivalentTo(new[] { "rke-zip", "staging-snap", "twin-rke", "by-hand" }));
    }

    [Test]
    public void The_widened_scope_counts_every_snapshot()
    {
        var listings = NewestFirst(Ours("p2", 2), Rke("rke-zip", 1.5), Ours("p1", 1));

        var plan = SnapshotPrunePlan.For(listings, 1, _ => true);

        Assert.That(plan.Remove.Select(s => s.Name), Is.EqualTo(new[] { "rke-zip", "p1" }));
        Assert.That(plan.NotOurs, Is.Empty);
    }

    [Test]
    public void A_snapshot_without_our_manifest_is_never_the_one_kept_as_verified()
    {
        // Widened: the RKE zip is the newest and its copies agree, but only a manifest makes a snapshot verified.
        var listings = NewestFirst(Rke("rke-zip", 3), Ours("damaged", 2, verified: false), Ours("good", 1));

        var plan = SnapshotPrunePlan.For(listings, 1, _ => true);

        Assert.That(plan.Keep.Select(s => s.Name), Is.EquivalentTo(new[] { "rke-zip", "good" }));
        Assert.That(plan.Remove.Select(s => s.Name), Is.EqualTo(new[] { "damaged" }));
    }

    [Test]
    public void The_newest_verified_snapshot_is_kept_even_when_the_newest_N_are_damaged()
    {
        var listings = NewestFirst(Ours("d2", 3, verified: false), Ours("d1", 2, verified: false), Ours("good", 1), Ours("older-good", 0.5));

        var plan = SnapshotPrunePlan.For(listings, 2, Prod.IsOurs);

        Assert.That(plan.Keep.Select(s => s.Name), Is.EquivalentTo(new[] { "d2", "d1", "good" }));
        Assert.That(plan.Remove.Select(s => s.Name), Is.EqualTo(new[] { "older-good" }));
    }

    [Test]
    public void The_newest_snapshot_a_restore_drill_proved_is_kept_beyond_the_retention()
    {
        var drilled = Ours("drilled", 1) with { VerifiedAt = Noon.AddHours(1.5) };
        var listings = NewestFirst(Ours("new2", 3), Ours("new1", 2), drilled, Ours("old", 0.5));

        var plan = SnapshotPrunePlan.For(listings, 1, Prod.IsOurs);

        Assert.That(plan.Keep.Select(s => s.Name), Is.EquivalentTo(new[] { "new2", "drilled" }));
        Assert.That(plan.Remove.Select(s => s.Name), Is.EquivalentTo(new[] { "new1", "old" }));
    }

    private static SnapshotListing Ours(string name, double hour, bool verified = true) =>
        Listing(name, hour, verified, Manifest(name, "prod", "etcd-a", "etcd-b"));

    private static SnapshotListing Other(string name, string cluster, double hour, params string[] members) =>
        Listing(name, hour, true, Manifest(name, cluster, members));

    private static SnapshotListing Rke(string name, double hour) => Listing(name, hour, true, null);

    private static SnapshotListing Listing(string name, double hour, bool verified, SnapshotManifest? manifest) => new()
    {
        Name = name,
        CreatedAt = Noon.AddHours(hour),
        NodeCopies = new Dictionary<string, string> { ["10.0.0.1"] = "aa", ["10.0.0.2"] = verified ? "aa" : "bb" },
        Manifest = manifest,
    };

    private static SnapshotManifest Manifest(string name, string cluster, params string[] members) =>
        new(1, name, cluster, Noon, null, 1, 1, new string('a', 64), null, null, members);

    private static List<SnapshotListing> NewestFirst(params SnapshotListing[] listings) => listings.OrderByDescending(l => l.CreatedAt).ToList();
}
