namespace ClusterCtl.Etcd;

/// <summary>Which snapshots a prune keeps and removes, which it leaves alone as not its own, and why the newest good one is safe.</summary>
internal sealed record SnapshotPrunePlan(IReadOnlyList<SnapshotListing> Keep, IReadOnlyList<SnapshotListing> Remove, IReadOnlyList<SnapshotListing> NotOurs)
{
    /// <summary>
    /// Among the snapshots <paramref name="inScope"/> accepts, keeps the newest <paramref name="retention"/>, and in any
    /// case the newest one that verifies and the newest one a restore drill proved: if every recent snapshot is damaged,
    /// the last good one must survive. The others are never candidates, whatever their age.
    /// </summary>
    public static SnapshotPrunePlan For(IReadOnlyList<SnapshotListing> newestFirst, int retention, Func<SnapshotListing, bool> inScope)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retention, 1);
        ArgumentNullException.ThrowIfNull(inScope);
        var candidates = newestFirst.Where(inScope).ToList();
        var keep = candidates.Take(retention).ToList();
        foreach (var lastGood in new[] { candidates.FirstOrDefault(s => s.Verified), candidates.FirstOrDefault(s => s.Verified && s.VerifiedAt is not null) })
        {
            if (lastGood is not null && !keep.Contains(lastGood))
            {
                keep.Add(lastGood);
            }
        }

        return new SnapshotPrunePlan(keep, candidates.Where(s => !keep.Contains(s)).ToList(), newestFirst.Where(s => !candidates.Contains(s)).ToList());
    }
}
