namespace ClusterCtl.Bench;

/// <summary>One timed run of one tool in one scenario.</summary>
/// <param name="Scenario">save, save+s3 or restore.</param>
/// <param name="Tool">clusterctl, or the baseline B1, B2 or B3.</param>
/// <param name="Phases">clusterctl's own per-phase seconds from its --output json; empty for baselines.</param>
internal sealed record Sample(
    string Scenario, string Tool, string Etcd, DbSize Size, long DbBytes, int Repetition,
    TimeSpan Elapsed, long? PeakRssBytes, IReadOnlyDictionary<string, double> Phases);
