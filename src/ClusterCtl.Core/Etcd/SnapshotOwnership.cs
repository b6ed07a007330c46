using ClusterCtl.Config;
using ClusterCtl.Storage;

namespace ClusterCtl.Etcd;

/// <summary>
/// Whether a snapshot was made for this cluster: its manifest names this cluster's name and at least one of its etcd
/// members. The name alone is not enough, since every cluster without <c>cluster_name</c> is <c>rke</c>; one shared
/// member is, so a cluster that replaced some of its nodes still owns what it took before. A snapshot without our
/// manifest (RKE's zips, raw dbs, manifests older than the member list) is never ours: a prune keeps it.
/// </summary>
internal sealed class SnapshotOwnership(string? clusterName, IEnumerable<string> etcdMembers)
{
    private readonly HashSet<string> _etcdMembers = new(etcdMembers, StringComparer.Ordinal);

    public static SnapshotOwnership Of(ClusterConfig config) => new(config.ClusterName, MemberNames(config));

    /// <summary>The etcd member names of the cluster, as a manifest records them.</summary>
    public static IReadOnlyList<string> MemberNames(ClusterConfig config) =>
        [.. config.EtcdNodes.Select(n => n.EtcdMemberName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    public bool IsOurs(SnapshotListing snapshot) => WhyNotOurs(snapshot) is null;

    /// <summary>Null for this cluster's snapshot; otherwise what tells it apart, for the "not ours, kept" line.</summary>
    public string? WhyNotOurs(SnapshotListing snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var manifest = snapshot.Manifest;
        if (manifest is null)
        {
            return "no clusterctl manifest (RKE's own or placed by hand)";
        }

        if (SnapshotName.ClusterPrefix(manifest.ClusterName) != SnapshotName.ClusterPrefix(clusterName))
        {
            return $"taken by cluster {SnapshotName.ClusterPrefix(manifest.ClusterName)}";
        }

        if (manifest.EtcdMembers is not { Count: > 0 } members)
        {
            return "its manifest names no etcd members (written by an older clusterctl)";
        }

        return members.Any(_etcdMembers.Contains) ? null : $"taken by members {string.Join(", ", members)}";
    }
}
