using System.Text.Json.Serialization;

namespace ClusterCtl.Verify;

/// <summary>What a restore drill found: whether the snapshot restores and serves, and whether it holds what its manifest recorded.</summary>
internal sealed record SnapshotDrillReport
{
    public required string Name { get; init; }

    /// <summary>The node the drill ran on.</summary>
    public required string Node { get; init; }

    /// <summary>The copy that was restored: a file on a node, or the S3 object.</summary>
    public required string Copy { get; init; }

    public bool Restorable { get; init; }

    /// <summary>Why the snapshot did not restore or serve; null when it did.</summary>
    public string? Failure { get; init; }

    [JsonIgnore]
    public TimeSpan Duration { get; init; }

    public double Seconds => Math.Round(Duration.TotalSeconds, 1);

    public long? Revision { get; init; }

    public long? RecordedRevision { get; init; }

    public uint? HashKv { get; init; }

    public uint? RecordedHashKv { get; init; }

    /// <summary>Null when there is nothing to compare: no recorded hash, or one taken under another compaction.</summary>
    public bool? HashMatches { get; init; }

    public IReadOnlyDictionary<string, long> KeyCounts { get; init; } = new SortedDictionary<string, long>(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long>? RecordedKeyCounts { get; init; }

    /// <summary>Each way the restored data differs from what the manifest recorded, one line each.</summary>
    public IReadOnlyList<string> Mismatches { get; init; } = [];

    /// <summary>What could not be compared, and why.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    public bool Verified => Restorable && Mismatches.Count == 0;

    public long TotalKeys => KeyCounts.Values.Sum();
}
