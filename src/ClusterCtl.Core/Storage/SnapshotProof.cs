namespace ClusterCtl.Storage;

/// <summary>
/// What a snapshot must hold to be the cluster's state at its revision, recorded at save time and compared by a drill:
/// etcd's hash of the key space at that revision, and how many keys each resource had under <c>/registry/</c>.
/// </summary>
/// <param name="HashKv">etcd's <c>endpoint hashkv --rev</c> at the snapshot's revision.</param>
/// <param name="CompactRevision">
/// The compaction the hash was taken under: a hash covers the revisions after it, so two hashes compare only when
/// taken under the same compaction (the live member may compact between the snapshot and the question).
/// </param>
/// <param name="KeyCounts">Keys per resource (the second segment of <c>/registry/&lt;resource&gt;/...</c>), sorted by name.</param>
internal sealed record SnapshotProof(uint HashKv, long CompactRevision, IReadOnlyDictionary<string, long> KeyCounts)
{
    public const string RegistryPrefix = "/registry/";

    // The end of the prefix range: '/' + 1.
    public const string RegistryRangeEnd = "/registry0";

    [System.Text.Json.Serialization.JsonIgnore]
    public long TotalKeys => KeyCounts.Values.Sum();

    /// <summary>The resource a key belongs to: "pods" for /registry/pods/ns/name; null for keys outside /registry/.</summary>
    public static string? ResourceOf(string key)
    {
        if (!key.StartsWith(RegistryPrefix, StringComparison.Ordinal) || key.Length == RegistryPrefix.Length)
        {
            return null;
        }

        var end = key.IndexOf('/', RegistryPrefix.Length);
        return end < 0 ? key[RegistryPrefix.Length..] : key[RegistryPrefix.Length..end];
    }

    // By value: a proof read back from a zip or from S3 equals the one that was written.
    public bool Equals(SnapshotProof? other) =>
        other is not null && HashKv == other.HashKv && CompactRevision == other.CompactRevision && KeyCounts.Count == other.KeyCounts.Count
        && KeyCounts.All(c => other.KeyCounts.TryGetValue(c.Key, out var count) && count == c.Value);

    public override int GetHashCode() => HashCode.Combine(HashKv, CompactRevision, KeyCounts.Count);

    public static SortedDictionary<string, long> Count(IEnumerable<string> keys)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var resource in keys.Select(ResourceOf).OfType<string>())
        {
            counts[resource] = counts.GetValueOrDefault(resource) + 1;
        }

        return counts;
    }
}
