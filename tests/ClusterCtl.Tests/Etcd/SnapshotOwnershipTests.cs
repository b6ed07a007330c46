using ClusterCtl.Etcd;
using ClusterCtl.Storage;

namespace ClusterCtl.Tests.Etcd;

public class SnapshotOwnershipTests
{
    private static readonly SnapshotOwnership Prod = new("prod", ["etcd-a", "etcd-b", "etcd-c"]);

    [Test]
    public void A_snapshot_whose_manifest_names_this_cluster_and_one_of_its_members_is_ours()
    {
        Assert.That(Prod.IsOurs(Listing(Manifest("prod", "etcd-c", "etcd-old"))), Is.True, "a cluster that replaced some nodes still owns what it took");
    }

    [Test]
    public void A_snapshot_of_a_cluster_with_another_name_is_not_ours()
    {
        var snapshot = Listing(Manifest("staging", "etcd-a"));

        Assert.That(Prod.IsOurs(snapshot), Is.False);
        Assert.That(Prod.WhyNotOurs(snapshot), Does.Contain("cluster staging"));
    }

    [Test]
    public void Two_clusters_both_called_rke_are_told_apart_by_their_members()
    {
        var ours = new SnapshotOwnership(null, ["etcd-node1"]);

        Assert.That(ours.IsOurs(Listing(Manifest("rke", "etcd-node1"))), Is.True, "no cluster_name is rke");
        Assert.That(ours.IsOurs(Listing(Manifest("rke", "etcd-elsewhere"))), Is.False);
        Assert.That(ours.WhyNotOurs(Listing(Manifest("rke", "etcd-elsewhere"))), Does.Contain("etcd-elsewhere"));
    }

    [Test]
    public void RKE_zips_raw_dbs_and_manifests_without_member_names_are_not_ours()
    {
        Assert.That(Prod.WhyNotOurs(Listing(null)), Does.Contain("no clusterctl manifest"));
        Assert.That(Prod.WhyNotOurs(Listing(Manifest("prod"))), Does.Contain("older clusterctl"));
        Assert.That(Prod.IsOurs(Listing(Manifest("prod") with { EtcdMembers = null })), Is.False);
    }

    private static SnapshotListing Listing(SnapshotManifest? manifest, string name = "snap") => new()
    {
        Name = name,
        CreatedAt = DateTimeOffset.UnixEpoch,
        NodeCopies = new Dictionary<string, string> { ["10.0.0.1"] = "aa" },
        Manifest = manifest,
    };

    private static SnapshotManifest Manifest(string? cluster, params string[] members) =>
        new(1, "snap", cluster, DateTimeOffset.UnixEpoch, null, 1, 1, new string('a', 64), null, null, members);
}
