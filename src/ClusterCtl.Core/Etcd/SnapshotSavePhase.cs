using System.Text.Json.Serialization;

namespace ClusterCtl.Etcd;

/// <summary>How long one step of a save took, for the JSON report (and the benchmark harness that reads it).</summary>
/// <param name="Phase">connect, lock, probe, snapshot, stream or commit.</param>
internal sealed record SnapshotSavePhase(string Phase, [property: JsonIgnore] TimeSpan Duration)
{
    public double Seconds => Math.Round(Duration.TotalSeconds, 3);
}
