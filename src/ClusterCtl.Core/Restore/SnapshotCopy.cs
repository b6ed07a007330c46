using ClusterCtl.Hosts;
using ClusterCtl.Storage;

namespace ClusterCtl.Restore;

/// <summary>One place a snapshot can be read from: a file on a node (zip or raw db), or the object in S3.</summary>
/// <param name="DbSize">The uncompressed db's size, from the zip's central directory or a raw db's length; null when it cannot be told.</param>
/// <param name="VerifiedAt">When a restore drill last verified these bytes; null: never, or not known (S3).</param>
internal sealed record SnapshotCopy(
    string SnapshotName, string Location, NodeSession? Node, string? FileName, long Size, string? Sha256, SnapshotManifest? Manifest, long? DbSize, DateTimeOffset? VerifiedAt = null)
{
    public bool IsS3 => Node is null;

    public override string ToString() => IsS3 ? Location : $"{FileName} on {Location}";
}
