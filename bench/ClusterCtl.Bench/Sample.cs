namespace ClusterCtl.Bench;

/// <summary>One timed run of one tool in one scenario.</summary>
/// <param name="Scenario">save, save+s3 or restore.</param>
/// <param name="Tool">clusterctl, or the baseline B1, B2, B3R or B3P.</param>
/// <param name="Downtime">For restores: kube-apiserver's first stop to its last start (see <see cref="Bench.Downtime"/>).</param>
/// <param name="LinkBytes">Bytes over the operator's link, both ways.</param>
/// <param name="Phases">clusterctl's own per-phase seconds from its --output json; empty for baselines.</param>
internal sealed record Sample(
    string Scenario, string Tool, string Etcd, DbSize Size, long DbBytes, int Repetition,
    TimeSpan Elapsed, long? PeakRssBytes, IReadOnlyDictionary<string, double> Phases)
{
    public TimeSpan? Downtime { get; init; }

    public long LinkBytes { get; init; }
}
