using System.Text.Json.Serialization;

namespace ClusterCtl.Restore;

/// <summary>One phase of a restore in the report: how long it took and how it ended.</summary>
/// <param name="Phase">The phase.</param>
/// <param name="Succeeded">False for the phase that failed (and a failed rollback).</param>
/// <param name="Detail">One line: what it did, or why it failed.</param>
internal sealed record PhaseReport(RestorePhase Phase, [property: JsonIgnore] TimeSpan Duration, bool Succeeded, string Detail)
{
    public double Seconds => Math.Round(Duration.TotalSeconds, 3);
}
