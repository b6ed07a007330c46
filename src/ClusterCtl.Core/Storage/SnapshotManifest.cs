using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace ClusterCtl.Storage;

/// <summary>
/// Describes one snapshot artifact. It travels inside the zip (<see cref="SnapshotZipLayout.ManifestEntryName"/>)
/// and, for S3, as object metadata, so that listing needs no download.
/// </summary>
/// <param name="DbSha256">
/// Lowercase hex SHA-256 of the snapshot file exactly as etcd wrote it, its appended 32-byte hash included:
/// what <c>sha256sum</c> prints for the <c>/backup/&lt;name&gt;</c> entry once extracted (see <see cref="EtcdSnapshotCheck.DbSha256"/>).
/// </param>
/// <param name="EtcdMembers">
/// The etcd member names of the cluster that took it (<c>etcd-&lt;hostname_override&gt;</c>, sorted). With the cluster
/// name it tells this cluster's snapshots from another's in a shared folder, even when both are called <c>rke</c>.
/// Optional: manifests written before it existed still load, and count as another cluster's for a prune.
/// </param>
/// <param name="Proof">
/// etcd's hash of the key space and the keys per resource at <see cref="Revision"/>, read from the source member right
/// after the snapshot, for a drill to compare against. Optional: RKE's zips, older ones, and saves where the member
/// could not answer have none.
/// </param>
internal sealed record SnapshotManifest(
    int FormatVersion,
    string Name,
    string? ClusterName,
    DateTimeOffset CreatedAt,
    string? EtcdVersion,
    long? Revision,
    long DbSize,
    string DbSha256,
    string? SourceMember,
    string? ToolVersion,
    IReadOnlyList<string>? EtcdMembers = null,
    SnapshotProof? Proof = null)
{
    public const int CurrentFormatVersion = 1;

    /// <summary>The S3 user-metadata key of the zip's own SHA-256, which the manifest inside the zip cannot hold.</summary>
    public const string ZipSha256MetadataKey = "zip-sha256";

    /// <summary>
    /// The S3 user-metadata key of when a restore drill last verified the object (unix seconds). It is not part of the
    /// manifest: a drill adds it to an object already stored, and a new upload under the same name drops it.
    /// </summary>
    public const string VerifiedAtMetadataKey = "verified-at";

    private const string MetadataPrefix = "x-amz-meta-";

    // Member names are etcd-<hostname or address>, which never hold a comma.
    private const string EtcdMembersMetadataKey = "etcd-members";

    private const string HashKvMetadataKey = "hashkv";
    private const string CompactRevisionMetadataKey = "hashkv-compact-revision";
    private const string KeyCountsMetadataKey = "key-counts";

    // S3 allows 2 KB of user metadata in all; key counts beyond this stay in the zip's manifest only.
    private const int MaxKeyCountsMetadataLength = 1024;

    public static string CurrentToolVersion { get; } =
        typeof(SnapshotManifest).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>
    /// The manifest of a snapshot whose db has been streamed and checked. The time is kept to the second, as in
    /// the default name and in S3 metadata, so every copy of the manifest compares equal.
    /// </summary>
    public static SnapshotManifest Create(string name, SnapshotOrigin origin, EtcdSnapshotCheck check)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(check);
        var createdAt = origin.CreatedAt.ToUniversalTime();
        return new SnapshotManifest(
            CurrentFormatVersion, SnapshotName.Validate(name), origin.ClusterName, createdAt.AddTicks(-(createdAt.Ticks % TimeSpan.TicksPerSecond)),
            origin.EtcdVersion, origin.Revision, check.Length, check.DbSha256, origin.SourceMember, CurrentToolVersion,
            origin.EtcdMembers is null ? null : [.. origin.EtcdMembers.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)], origin.Proof);
    }

    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, SnapshotJsonContext.Default.SnapshotManifest);

    /// <summary>A manifest is well under 1 KiB; one read from a zip or a node is cut off beyond this, so a hostile zip cannot make it big.</summary>
    public const int MaxJsonBytes = 64 * 1024;

    /// <summary>Parses a manifest entry; anything unreadable (or longer than <see cref="MaxJsonBytes"/>) is an <see cref="InvalidDataException"/>.</summary>
    public static SnapshotManifest FromJson(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.Length > MaxJsonBytes)
        {
            throw new InvalidDataException($"the manifest is larger than {MaxJsonBytes / 1024} KiB");
        }

        try
        {
            var manifest = JsonSerializer.Deserialize(utf8Json, SnapshotJsonContext.Default.SnapshotManifest);
            return manifest is { Name: not null, DbSha256: not null, DbSize: >= 0 }
                ? manifest
                : throw new InvalidDataException("the manifest lacks its name, db hash or db size");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"the manifest is not valid JSON ({e.Message})", e);
        }
    }

    /// <summary>
    /// S3 user metadata (the SDK adds the <c>x-amz-meta-</c> prefix): lowercase keys, printable ASCII values,
    /// anything else percent-encoded, because S3 carries metadata in HTTP headers.
    /// </summary>
    public Dictionary<string, string> ToS3Metadata(string? zipSha256 = null)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format-version"] = FormatVersion.ToString(CultureInfo.InvariantCulture),
            ["name"] = Name,
            ["created-at"] = CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["db-size"] = DbSize.ToString(CultureInfo.InvariantCulture),
            ["db-sha256"] = DbSha256,
        };
        AddIfSet(metadata, "cluster-name", ClusterName);
        AddIfSet(metadata, "etcd-version", EtcdVersion);
        AddIfSet(metadata, "revision", Revision?.ToString(CultureInfo.InvariantCulture));
        AddIfSet(metadata, "source-member", SourceMember);
        AddIfSet(metadata, "tool-version", ToolVersion);
        AddIfSet(metadata, EtcdMembersMetadataKey, EtcdMembers is null ? null : string.Join(',', EtcdMembers));
        AddIfSet(metadata, ZipSha256MetadataKey, zipSha256);
        if (Proof is { } proof)
        {
            metadata[HashKvMetadataKey] = proof.HashKv.ToString(CultureInfo.InvariantCulture);
            metadata[CompactRevisionMetadataKey] = proof.CompactRevision.ToString(CultureInfo.InvariantCulture);
            // Resource names are DNS labels and API groups: never a ',' or '='.
            var counts = string.Join(',', proof.KeyCounts.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key}={c.Value}")));
            AddIfSet(metadata, KeyCountsMetadataKey, counts.Length <= MaxKeyCountsMetadataLength ? counts : null);
        }

        return metadata;
    }

    /// <summary>
    /// The manifest held in S3 metadata (keys with or without <c>x-amz-meta-</c>, any case), or null when the
    /// object carries none, e.g. RKE's own uploads or a db file placed by hand.
    /// </summary>
    public static SnapshotManifest? FromS3Metadata(IEnumerable<KeyValuePair<string, string>> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var values = Normalize(metadata);
        if (!values.TryGetValue("name", out var name) || !values.TryGetValue("db-sha256", out var dbSha256)
            || !TryLong(values, "db-size", out var dbSize) || !TryLong(values, "format-version", out var formatVersion)
            || !values.TryGetValue("created-at", out var createdText)
            || !DateTimeOffset.TryParse(createdText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var createdAt))
        {
            return null;
        }

        return new SnapshotManifest(
            (int)formatVersion, name, values.GetValueOrDefault("cluster-name"), createdAt.ToUniversalTime(),
            values.GetValueOrDefault("etcd-version"), TryLong(values, "revision", out var revision) ? revision : null,
            dbSize, dbSha256, values.GetValueOrDefault("source-member"), values.GetValueOrDefault("tool-version"),
            values.TryGetValue(EtcdMembersMetadataKey, out var members) ? members.Split(',', StringSplitOptions.RemoveEmptyEntries) : null,
            ProofFrom(values));
    }

    // Only a hash with its key counts is a proof; counts too long for S3 metadata leave the object without one.
    private static SnapshotProof? ProofFrom(Dictionary<string, string> values)
    {
        if (!values.TryGetValue(HashKvMetadataKey, out var hashText) || !uint.TryParse(hashText, NumberStyles.None, CultureInfo.InvariantCulture, out var hash)
            || !values.TryGetValue(CompactRevisionMetadataKey, out var compactText) || !long.TryParse(compactText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var compact)
            || !values.TryGetValue(KeyCountsMetadataKey, out var countsText))
        {
            return null;
        }

        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var pair in countsText.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (pair.Split('=') is not [var resource, var countText] || !long.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                return null;
            }

            counts[resource] = count;
        }

        return new SnapshotProof(hash, compact, counts);
    }

    /// <summary>The zip's SHA-256 recorded in S3 metadata, if any.</summary>
    public static string? ZipSha256FromS3Metadata(IEnumerable<KeyValuePair<string, string>> metadata) =>
        Normalize(metadata ?? throw new ArgumentNullException(nameof(metadata))).GetValueOrDefault(ZipSha256MetadataKey);

    /// <summary>When a restore drill last verified the object, as recorded in its S3 metadata; null: never.</summary>
    public static DateTimeOffset? VerifiedAtFromS3Metadata(IEnumerable<KeyValuePair<string, string>> metadata) =>
        TryLong(Normalize(metadata ?? throw new ArgumentNullException(nameof(metadata))), VerifiedAtMetadataKey, out var seconds) && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private static void AddIfSet(Dictionary<string, string> metadata, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            metadata[key] = EncodeValue(value);
        }
    }

    // Printable ASCII passes as is; '%' and everything else become UTF-8 percent escapes, so decoding is exact.
    internal static string EncodeValue(string value)
    {
        if (value.All(c => c is >= ' ' and <= '~' and not '%'))
        {
            return value;
        }

        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is >= (byte)' ' and <= (byte)'~' and not (byte)'%')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>A user-metadata key without the <c>x-amz-meta-</c> the SDK reports it with.</summary>
    internal static string BareMetadataKey(string key) =>
        key.StartsWith(MetadataPrefix, StringComparison.OrdinalIgnoreCase) ? key[MetadataPrefix.Length..] : key;

    internal static string DecodeValue(string value) => value.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(value) : value;

    private static Dictionary<string, string> Normalize(IEnumerable<KeyValuePair<string, string>> metadata)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in metadata)
        {
            values[BareMetadataKey(key)] = DecodeValue(value);
        }

        return values;
    }

    private static bool TryLong(Dictionary<string, string> values, string key, out long value)
    {
        value = 0;
        return values.TryGetValue(key, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
