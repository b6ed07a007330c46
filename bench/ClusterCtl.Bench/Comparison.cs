namespace ClusterCtl.Bench;

/// <summary>One row of the results: clusterctl against one baseline in one scenario, and the target it must meet.</summary>
/// <param name="Target">The most clusterctl may take, as a multiple of the baseline; null where the issue sets none.</param>
/// <param name="TargetFromBytes">The smallest db size the target applies to.</param>
/// <param name="BaselineScenario">Where the baseline's samples are: B1 runs once per repetition and serves both saves.</param>
internal sealed record Comparison(string Scenario, string Label, string Baseline, double? Target, long TargetFromBytes = 0, string? BaselineScenario = null)
{
    public static readonly IReadOnlyList<Comparison> All =
    [
        new("save", "save (nodes only)", "B1", 1.25, 256L << 20),
        new("save", "save (nodes only)", "B2", 0.6),
        new("save+s3", "save (nodes + S3)", "B1", null, BaselineScenario: "save"),
        new("restore", "restore", "B3", 0.5),
    ];
}
