namespace ClusterCtl.Storage;

/// <summary>A file in a node's snapshot directory, with its SHA-256 (from the checksum cache or computed on the node).</summary>
/// <param name="DbSize">The db's uncompressed size: a raw db's length, a zip's from its central directory (or else its manifest); null when unknown.</param>
/// <param name="VerifiedAt">When a restore drill last verified these very bytes (<see cref="NodeSnapshotDirectory.VerifiedMarkName"/>); null: never.</param>
internal sealed record NodeSnapshotFile(string FileName, long Size, DateTimeOffset Modified, string Sha256, SnapshotManifest? Manifest, long? DbSize, DateTimeOffset? VerifiedAt = null)
{
    /// <summary>The snapshot name: <c>x.zip</c> and a raw <c>x</c> both mean snapshot <c>x</c>.</summary>
    public string? Name => SnapshotName.FromFileName(FileName);

    public bool IsZip => FileName.EndsWith(SnapshotName.ZipExtension, StringComparison.OrdinalIgnoreCase);
}
