namespace ClusterCtl.Etcd;

/// <summary>One snapshot as seen across the cluster: which nodes hold it, whether their copies agree, and S3.</summary>
internal sealed record SnapshotListing
{
    public required string Name { get; init; }

    /// <summary>When it was taken: from its manifest, else the newest file time we saw.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    public long Size { get; init; }

    public long? Revision { get; init; }

    /// <summary>Node address → SHA-256 of its copy.</summary>
    public required IReadOnlyDictionary<string, string> NodeCopies { get; init; }

    public bool InS3 { get; init; }

    public string? S3Sha256 { get; init; }

    /// <summary>Our manifest from any copy (a node's zip, or S3 metadata); null for RKE's zips and raw dbs.</summary>
    public Storage.SnapshotManifest? Manifest { get; init; }

    /// <summary>When a restore drill last verified a copy of it (every copy agreeing, it holds for all); null: never.</summary>
    public DateTimeOffset? VerifiedAt { get; init; }

    /// <summary>
    /// S3's object carries no hash of ours and is not the size of the nodes' zips, so it cannot be their bytes: an upload
    /// a store kept although it was cut off (s3rver does), or another tool's object under the same name.
    /// </summary>
    public bool S3SizeDiffers { get; init; }

    /// <summary>Every copy we know the hash of (nodes, and S3 when it carries our metadata) has the same SHA-256, and S3's is not of another size.</summary>
    public bool CopiesAgree =>
        !S3SizeDiffers && NodeCopies.Values.Concat(S3Sha256 is null ? [] : [S3Sha256]).Distinct(StringComparer.Ordinal).Count() <= 1;

    /// <summary>A snapshot a restore could rely on: it has our manifest, there is a copy, and every copy whose hash we know agrees.</summary>
    public bool Verified => Manifest is not null && CopiesAgree && (NodeCopies.Count > 0 || InS3);
}
