namespace ClusterCtl.Storage;

/// <summary>What <see cref="SnapshotZipWriter"/> produced: the finished manifest, the db's check, and the zip's size and hashes.</summary>
internal sealed record SnapshotZipResult(SnapshotManifest Manifest, EtcdSnapshotCheck Check, long ZipLength, string ZipSha256, string ZipMd5);
