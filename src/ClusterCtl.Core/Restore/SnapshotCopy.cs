using ClusterCtl.Config;
using ClusterCtl.Hosts;
using ClusterCtl.Storage;

namespace ClusterCtl.Restore;

/// <summary>One place a snapshot can be read from: a file on a node (zip or raw db), or the object in S3.</summary>
/// <param name="DbSize">The uncompressed db's size, from the zip's central directory or a raw db's length; null when it cannot be told.</param>
/// <param name="VerifiedAt">When a restore drill last verified these bytes; null: never.</param>
internal sealed record SnapshotCopy(
    string SnapshotName, string Location, NodeSession? Node, string? FileName, long Size, string? Sha256, SnapshotManifest? Manifest, long? DbSize, DateTimeOffset? VerifiedAt = null)
{
    public bool IsS3 => Node is null;

    /// <summary>Its bytes, read from the node's file or downloaded from S3.</summary>
    public async Task<Stream> OpenAsync(ClusterConfig config, S3SnapshotStore? s3, CancellationToken cancellationToken) =>
        Node is { } node
            ? await NodeFileReader.OpenAsync(node, config, FileName!, cancellationToken)
            : await (s3 ?? throw new InvalidOperationException($"{this} is in S3, and no S3 store was given")).OpenReadAsync(SnapshotName, cancellationToken);

    public override string ToString() => IsS3 ? Location : $"{FileName} on {Location}";
}
