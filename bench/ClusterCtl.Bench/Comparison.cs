namespace ClusterCtl.Bench;

/// <summary>One row of the results: clusterctl against one baseline in one scenario, and the target it must meet.</summary>
/// <param name="Small">The most clusterctl may take, as a multiple of the baseline, below 256 MiB; null where none is set.</param>
/// <param name="Large">The same from 256 MiB up.</param>
/// <param name="Metric">What is compared: the run's wall time, or (restores) the downtime.</param>
/// <param name="BaselineScenario">Where the baseline's samples are: B1 runs once per repetition and serves both saves.</param>
internal sealed record Comparison(string Scenario, string Label, string Baseline, double? Small, double? Large, Metric Metric = Metric.Time, string? BaselineScenario = null)
{
    private const long LargeFromBytes = (long)((256L << 20) * 0.95);

    public static readonly IReadOnlyList<Comparison> All =
    [
        new("save", "save (nodes only)", "B1", null, 1.2),
        new("save", "save (nodes only)", "B2", 1.0, 0.5),
        new("save+s3", "save (nodes + S3)", "B1", null, null, BaselineScenario: "save"),
        new("restore", "restore", "B3R", 0.5, 0.5),
        new("restore", "restore", "B3P", 1.3, 1.1),
        new("restore", "restore downtime", "B3R", null, null, Metric.Downtime),
        new("restore", "restore downtime", "B3P", 1.0, 1.0, Metric.Downtime),
    ];

    public double? TargetFor(long dbBytes) => dbBytes >= LargeFromBytes ? Large : Small;

    /// <summary>The sample's figure for this row, in seconds; null when it has none (a restore whose downtime was not read).</summary>
    public double? Measure(Sample sample) => Metric switch
    {
        Metric.Time => sample.Elapsed.TotalSeconds,
        _ => sample.Downtime?.TotalSeconds,
    };
}

internal enum Metric
{
    Time,
    Downtime,
}
