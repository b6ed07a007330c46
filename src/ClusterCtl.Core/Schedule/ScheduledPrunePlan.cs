using ClusterCtl.Etcd;

namespace ClusterCtl.Schedule;

/// <summary>The prune after a tick: only this cluster's scheduled snapshots count towards the retention, and only they can go.</summary>
internal static class ScheduledPrunePlan
{
    /// <summary>
    /// A scheduled snapshot of this cluster has this cluster's scheduled name and a manifest that names this cluster
    /// (the name alone is shared by every cluster called <c>rke</c>). One-off snapshots and everything else are left
    /// out entirely, so they are never removed; within the scheduled ones <see cref="SnapshotPrunePlan"/> keeps the
    /// newest N and the newest that verifies.
    /// </summary>
    public static SnapshotPrunePlan For(IReadOnlyList<SnapshotListing> newestFirst, SnapshotOwnership ownership, string? clusterName, int retention) =>
        SnapshotPrunePlan.For(newestFirst, retention, s => IsOurScheduled(s, ownership, clusterName));

    /// <summary>When the newest scheduled snapshot of this cluster was taken, from its name (file times can change on copy).</summary>
    public static DateTimeOffset? NewestScheduled(IReadOnlyList<SnapshotListing> listings, SnapshotOwnership ownership, string? clusterName) =>
        listings.Where(s => ownership.IsOurs(s)).Select(s => ScheduledSnapshotName.TakenAt(s.Name, clusterName)).Where(t => t is not null).Max();

    public static bool IsOurScheduled(SnapshotListing snapshot, SnapshotOwnership ownership, string? clusterName) =>
        ScheduledSnapshotName.IsScheduled(snapshot.Name, clusterName) && ownership.IsOurs(snapshot);
}
