namespace ClusterCtl.Storage;

/// <summary>The result of <see cref="EtcdSnapshotVerifier"/> for one snapshot file.</summary>
/// <param name="Length">Bytes in the file as etcd wrote it, the appended hash included.</param>
/// <param name="HasAppendedHash">
/// The file ends in etcd's integrity hash. Decided the way etcd's restore decides it: a bbolt db is a whole number
/// of pages (multiples of 512 bytes), so <c>Length % 512 == 32</c> means a db plus a SHA-256.
/// </param>
/// <param name="AppendedHashMatches">The last 32 bytes equal the SHA-256 of every byte before them.</param>
/// <param name="DbSha256">
/// Lowercase hex SHA-256 of all <see cref="Length"/> bytes, the appended hash included: the hash of the file as it
/// sits on disk, which is what every copy on every node and in S3 must have (<c>sha256sum snapshot.db</c>).
/// </param>
/// <param name="AppendedHash">Lowercase hex of the last 32 bytes when <see cref="HasAppendedHash"/>; else null.</param>
internal sealed record EtcdSnapshotCheck(long Length, bool HasAppendedHash, bool AppendedHashMatches, string DbSha256, string? AppendedHash)
{
    public bool IsIntact => HasAppendedHash && AppendedHashMatches;

    /// <summary>Throws <see cref="SnapshotCorruptException"/> unless etcd's hash is present and matches.</summary>
    /// <param name="source">Names the file and where it is, e.g. "rke_etcd_snapshot_x on 10.213.0.11".</param>
    public EtcdSnapshotCheck EnsureIntact(string source)
    {
        if (!HasAppendedHash)
        {
            throw new SnapshotCorruptException(source,
                $"its size ({Length} bytes) is not a bbolt db plus etcd's 32-byte hash, so it is truncated or not an etcdctl snapshot");
        }

        if (!AppendedHashMatches)
        {
            throw new SnapshotCorruptException(source, "the SHA-256 that etcd appended does not match the db, so its bytes changed after etcd wrote them");
        }

        return this;
    }
}
