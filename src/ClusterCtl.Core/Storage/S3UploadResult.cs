namespace ClusterCtl.Storage;

/// <summary>What <see cref="S3SnapshotStore.UploadAsync(string, Stream, SnapshotManifest, string?, IProgress{long}?, CancellationToken)"/> stored.</summary>
/// <param name="Parts">1 for a single PUT, else the number of multipart parts.</param>
/// <param name="MetadataComplete">
/// False only when the object is too large for S3 to rewrite its metadata in one copy (over 5 GiB) and the
/// manifest or zip hash was not known when the upload began; the object is whole, and its zip holds the manifest.
/// </param>
internal sealed record S3UploadResult(
    string Key,
    long Length,
    string ZipSha256,
    int Parts,
    bool MetadataComplete,
    SnapshotManifest Manifest,
    TimeSpan Elapsed);
