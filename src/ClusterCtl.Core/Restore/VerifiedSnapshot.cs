using ClusterCtl.Storage;

namespace ClusterCtl.Restore;

/// <summary>
/// The copy a restore uses, now in every etcd node's scratch directory: either read once here, through etcd's hash
/// check and the manifest, or extracted on each node from a zip identical to it (the same SHA-256 on every node), in
/// which case the restore tool's own hash check, before the point of no return, is what verifies the db.
/// </summary>
internal sealed record VerifiedSnapshot(string Name, SnapshotCopy Copy, string DbSha256, long DbSize, long? Revision, string? EtcdVersion)
{
    public static VerifiedSnapshot Read(string name, SnapshotCopy copy, SnapshotReadResult read) =>
        new(name, copy, read.Check.DbSha256, read.Check.Length, read.Manifest?.Revision, read.Manifest?.EtcdVersion);

    public static VerifiedSnapshot ExtractedOnNodes(string name, SnapshotCopy copy, SnapshotManifest manifest) =>
        new(name, copy, manifest.DbSha256, manifest.DbSize, manifest.Revision, manifest.EtcdVersion);
}
