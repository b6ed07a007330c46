using System.Globalization;
using ClusterCtl.Storage;

namespace ClusterCtl.Restore;

/// <summary>What <see cref="RestoreScripts.Facts"/> printed about one node's data directory and certificates.</summary>
internal sealed record PreflightFacts
{
    /// <summary>The data dir holds a live <c>member</c> directory (a node without one is restored all the same).</summary>
    public bool HasMember { get; init; }

    /// <summary>A <c>restore-&lt;run&gt;/data</c> is already there: snapshot restore would refuse to write into it.</summary>
    public bool ScratchDataExists { get; init; }

    /// <summary>The size of this run's snapshot db when it is already in place; null when it is not (yet).</summary>
    public long? SnapshotSizeBytes { get; init; }

    public IReadOnlyList<string> MissingCertificates { get; init; } = [];

    public long? FreeBytes { get; init; }

    public static PreflightFacts Parse(string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var lines = stdout.Split('\n', StringSplitOptions.TrimEntries);
        var values = lines.Where(l => l.Contains('=', StringComparison.Ordinal)).Select(l => l.Split('=', 2)).ToList();
        string? Value(string key) => values.LastOrDefault(v => v[0] == key)?[1];

        var dfStart = Array.IndexOf(lines, "df_begin");
        var dfEnd = Array.IndexOf(lines, "df_end");
        var df = dfStart >= 0 && dfEnd > dfStart ? string.Join('\n', lines[(dfStart + 1)..dfEnd]) : "";

        return new PreflightFacts
        {
            HasMember = Value("member") == "yes",
            ScratchDataExists = Value("scratch_data") == "yes",
            SnapshotSizeBytes = long.TryParse(Value("snapshot_size"), NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : null,
            MissingCertificates = values.Where(v => v[0] == "cert_missing").Select(v => v[1]).ToList(),
            FreeBytes = FreeSpace.ParseDfOutput(df),
        };
    }
}
