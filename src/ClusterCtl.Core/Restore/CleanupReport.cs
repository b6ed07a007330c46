namespace ClusterCtl.Restore;

/// <summary>What <c>etcd cleanup</c> removed on every node, or would remove with <c>--dry-run</c>, and the nodes it could not clean.</summary>
internal sealed record CleanupReport(bool DryRun, IReadOnlyList<CleanupItem> Items, IReadOnlyList<string> Problems)
{
    public long TotalBytes => Items.Sum(i => i.SizeBytes ?? 0);
}
