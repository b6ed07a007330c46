namespace ClusterCtl.Storage;

/// <summary>One snapshot in the S3 folder, from listing and HEAD alone (no body is downloaded).</summary>
/// <param name="Manifest">Our manifest from the object's metadata; null for objects we did not upload (RKE's, hand-placed dbs).</param>
/// <param name="ZipSha256">The zip's SHA-256 from the metadata, when recorded.</param>
/// <param name="IsZip">The key ends in .zip; otherwise it is a raw db.</param>
/// <param name="VerifiedAt">When a restore drill last verified this object, from its metadata; null: never.</param>
internal sealed record S3SnapshotEntry(
    string Name,
    string Key,
    long Size,
    DateTimeOffset? LastModified,
    SnapshotManifest? Manifest,
    string? ZipSha256,
    bool IsZip,
    DateTimeOffset? VerifiedAt = null);
