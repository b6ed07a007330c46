using System.Globalization;
using System.Text.RegularExpressions;
using ClusterCtl.Storage;

namespace ClusterCtl.Schedule;

/// <summary>
/// Names of scheduled snapshots: <c>&lt;cluster&gt;_etcd_snapshot_scheduled_2026-11-21T10-27-42Z</c>. The fixed-width UTC
/// time makes names sort by time, and the <c>scheduled</c> marker is what lets a prune tell them from one-off
/// snapshots, which it must never touch.
/// </summary>
internal static partial class ScheduledSnapshotName
{
    private const string Marker = "_etcd_snapshot_scheduled_";
    private const string TimeFormat = "yyyy-MM-dd'T'HH-mm-ss'Z'";

    public static string For(string? clusterName, DateTimeOffset utcNow) =>
        SnapshotName.Validate(Prefix(clusterName) + Marker + utcNow.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture));

    /// <summary>True only for names this scheduler made for this cluster; anything else is someone else's snapshot.</summary>
    public static bool IsScheduled(string name, string? clusterName) => TakenAt(name, clusterName) is not null;

    /// <summary>The time written into a scheduled name, or null when the name is not a scheduled one of this cluster.</summary>
    public static DateTimeOffset? TakenAt(string name, string? clusterName)
    {
        var prefix = Prefix(clusterName) + Marker;
        if (!name.StartsWith(prefix, StringComparison.Ordinal) || !TimePart().IsMatch(name[prefix.Length..]))
        {
            return null;
        }

        return DateTimeOffset.TryParseExact(name[prefix.Length..], TimeFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time : null;
    }

    // Same prefix rule as one-off default names, so both kinds list together per cluster.
    private static string Prefix(string? clusterName) => SnapshotName.ClusterPrefix(clusterName);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$", RegexOptions.CultureInvariant)]
    private static partial Regex TimePart();
}
