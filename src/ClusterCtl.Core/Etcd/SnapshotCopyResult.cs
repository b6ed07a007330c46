namespace ClusterCtl.Etcd;

/// <summary>One destination of a save: a node's snapshot directory or the S3 folder.</summary>
internal sealed record SnapshotCopyResult(string Target, bool Succeeded, string? Sha256, TimeSpan Elapsed, string? Error);
