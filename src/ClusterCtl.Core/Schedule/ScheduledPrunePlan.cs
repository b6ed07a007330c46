using ClusterCtl.Etcd;

namespace ClusterCtl.Schedule;

/// <summary>The prune after a tick: only this cluster's scheduled snapshots count towards the retention, and only they can go.</summary>
internal static class ScheduledPrunePlan
{
    /// <summary>
    /// One-off snapshots are left out entirely, so they are never removed; within the scheduled ones
    /// <see cref="SnapshotPrunePlan"/> keeps the newest N and the newest that verifies.
    /// </summary>
    public static SnapshotPrunePlan For(IReadOnlyList<SnapshotListing> newestFirst, string? clusterName, int retention) =>
        SnapshotPrunePlan.For(newestFirst.Where(s => ScheduledSnapshotName.IsScheduled(s.Name, clusterName)).ToList(), retention);

    /// <summary>When the newest scheduled snapshot was taken, from its name (file times can change on copy).</summary>
    public static DateTimeOffset? NewestScheduled(IReadOnlyList<SnapshotListing> listings, string? clusterName) =>
        listings.Select(s => ScheduledSnapshotName.TakenAt(s.Name, clusterName)).Where(t => t is not null).Max();
}
