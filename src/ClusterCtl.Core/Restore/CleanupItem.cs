namespace ClusterCtl.Restore;

/// <summary>One thing <c>etcd cleanup</c> removed (or, in a dry run, would remove).</summary>
/// <param name="Host">The node.</param>
/// <param name="Kind">"pre-restore", "failed-restore", "restore scratch", "temporary snapshot file", "helper container" or "replaced etcd container".</param>
/// <param name="Path">The host path, or the container name.</param>
/// <param name="SizeBytes">Disk space it took (du), when it is a file or directory.</param>
internal sealed record CleanupItem(string Host, string Kind, string Path, long? SizeBytes);
