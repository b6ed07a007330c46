namespace ClusterCtl.Restore;

/// <summary>
/// The snapshot a restore works from, as the locate phase found and verified it. By contract the raw db (etcd's
/// own format, with its appended hash) is already at <see cref="RestoreLayout.SnapshotInScratch"/> on every etcd node
/// when the phases after preflight run.
/// </summary>
/// <param name="Name">The snapshot's name, e.g. "rke_etcd_snapshot_2026-11-21T10-27-42Z".</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the raw db.</param>
/// <param name="Revision">The store revision in the snapshot; 0 when unknown (a raw RKE snapshot carries no manifest).</param>
/// <param name="EtcdVersion">The etcd version that wrote it, e.g. "3.5.16"; null when unknown.</param>
/// <param name="DbSizeBytes">The size of the raw db.</param>
internal sealed record RestoreSource(string Name, string Sha256, long Revision, string? EtcdVersion, long DbSizeBytes);
