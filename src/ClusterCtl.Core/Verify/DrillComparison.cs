using System.Globalization;
using ClusterCtl.Storage;

namespace ClusterCtl.Verify;

/// <summary>Compares what a restored snapshot serves with what its manifest recorded at save time.</summary>
internal static class DrillComparison
{
    /// <summary>The report of a snapshot that restored and served <paramref name="restored"/> at <paramref name="revision"/>.</summary>
    public static SnapshotDrillReport Compare(SnapshotDrillReport report, SnapshotManifest? manifest, long revision, SnapshotProof restored)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(restored);
        var mismatches = new List<string>();
        var notes = new List<string>();
        if (manifest?.Revision is > 0 and var recordedRevision && recordedRevision != revision)
        {
            mismatches.Add(Text($"revision: recorded {recordedRevision}, restored {revision}"));
        }

        bool? hashMatches = null;
        if (manifest?.Proof is not { } recorded)
        {
            notes.Add(Text($"restores and serves, {restored.TotalKeys} keys; no recorded hash to compare"));
        }
        else
        {
            if (recorded.CompactRevision == restored.CompactRevision)
            {
                hashMatches = recorded.HashKv == restored.HashKv;
                if (hashMatches == false)
                {
                    mismatches.Add(Text($"hashkv at revision {revision}: recorded {recorded.HashKv}, restored {restored.HashKv}"));
                }
            }
            else
            {
                notes.Add(Text($"hashkv not compared: recorded under compaction {recorded.CompactRevision}, the snapshot holds compaction {restored.CompactRevision} (the member compacted right after the save)"));
            }

            foreach (var resource in recorded.KeyCounts.Keys.Union(restored.KeyCounts.Keys).Order(StringComparer.Ordinal))
            {
                var before = recorded.KeyCounts.GetValueOrDefault(resource);
                var after = restored.KeyCounts.GetValueOrDefault(resource);
                if (before != after)
                {
                    mismatches.Add(Text($"{resource}: {before} keys recorded, {after} restored"));
                }
            }
        }

        return report with
        {
            Restorable = true,
            Revision = revision,
            RecordedRevision = manifest?.Revision,
            HashKv = restored.HashKv,
            RecordedHashKv = manifest?.Proof?.HashKv,
            HashMatches = hashMatches,
            KeyCounts = restored.KeyCounts,
            RecordedKeyCounts = manifest?.Proof?.KeyCounts,
            Mismatches = mismatches,
            Notes = notes,
        };
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
