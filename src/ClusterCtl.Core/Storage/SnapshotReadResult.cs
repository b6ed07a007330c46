namespace ClusterCtl.Storage;

/// <summary>What <see cref="SnapshotZipReader"/> found in an artifact whose db it streamed out and checked.</summary>
/// <param name="DbEntryName">The zip entry the db came from; null for a raw db.</param>
/// <param name="Manifest">Our manifest, when the artifact is one of ours.</param>
/// <param name="RkeState">The bytes of the <c>.rkestate</c> entry, when there is one.</param>
internal sealed record SnapshotReadResult(
    SnapshotArtifactFormat Format,
    string? DbEntryName,
    EtcdSnapshotCheck Check,
    SnapshotManifest? Manifest,
    byte[]? RkeState);
