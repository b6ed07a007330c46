namespace ClusterCtl.Etcd;

/// <summary>Which snapshots a prune keeps and removes, and why the newest good one is safe.</summary>
internal sealed record SnapshotPrunePlan(IReadOnlyList<SnapshotListing> Keep, IReadOnlyList<SnapshotListing> Remove)
{
    /// <summary>
    /// Keeps the newest <paramref name="retention"/> snapshots, and in any case the newest one whose copies verify:
    /// if every recent snapshot is damaged, the last good one must survive.
    /// </summary>
    public static SnapshotPrunePlan For(IReadOnlyList<SnapshotListing> newestFirst, int retention)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retention, 1);
        var keep = newestFirst.Take(retention).ToList();
        if (!keep.Any(s => s.Verified) && newestFirst.FirstOrDefault(s => s.Verified) is { } lastGood)
        {
            keep.Add(lastGood);
        }

        return new SnapshotPrunePlan(keep, newestFirst.Where(s => !keep.Contains(s)).ToList());
    }
}
