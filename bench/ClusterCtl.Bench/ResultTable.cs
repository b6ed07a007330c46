using System.Globalization;
using System.Text;

namespace ClusterCtl.Bench;

/// <summary>The run's samples as the Markdown tables bench/README.md shows: medians, ratios, memory, phases.</summary>
internal static class ResultTable
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Render(IReadOnlyList<Sample> samples, string command, string machine, HostProfile profile)
    {
        var text = new StringBuilder();
        var repetitions = samples.Count == 0 ? 0 : samples.Max(s => s.Repetition) + 1;
        text.AppendLine(Invariant, $"Command: `{command}` · {profile.Describe()} · {machine} · median of {repetitions} run(s), tools alternated each repetition.").AppendLine();
        text.AppendLine("| etcd | db | measure | clusterctl | baseline | baseline figure | ratio | target | peak RSS | MB/s |");
        text.AppendLine("|---|---|---|---:|---|---:|---:|---|---:|---:|");
        foreach (var group in Groups(samples))
        {
            foreach (var comparison in Comparison.All)
            {
                var ours = group.Where(s => s.Scenario == comparison.Scenario && s.Tool == "clusterctl" && comparison.Measure(s) is not null).ToList();
                var theirs = group.Where(s => s.Scenario == (comparison.BaselineScenario ?? comparison.Scenario) && s.Tool == comparison.Baseline && comparison.Measure(s) is not null).ToList();
                if (ours.Count == 0 || theirs.Count == 0)
                {
                    continue;
                }

                var oursMedian = Statistics.Median(ours.Select(s => comparison.Measure(s)!.Value));
                var theirsMedian = Statistics.Median(theirs.Select(s => comparison.Measure(s)!.Value));
                var ratio = oursMedian / theirsMedian;
                var first = ours[0];
                var target = comparison.TargetFor(first.DbBytes) is { } t
                    ? $"≤ {t.ToString("0.##", Invariant)}× {(ratio <= t ? "met" : "**missed**")}"
                    : "–";
                var rss = ours.Max(s => s.PeakRssBytes ?? 0);
                var speed = comparison.Metric == Metric.Time ? (first.DbBytes / 1e6 / oursMedian).ToString("F0", Invariant) : "";
                text.AppendLine(Invariant,
                    $"| {first.Etcd} | {Megabytes(first.DbBytes)} | {comparison.Label} | {oursMedian:F2} s | {BaselineName(comparison.Baseline)} | {theirsMedian:F2} s | {ratio:F2} | {target} | {Megabytes(rss)} | {speed} |");
            }
        }

        text.AppendLine().AppendLine("Bytes over the operator's link per byte of db (median; both directions; S3 is on the operator's side):").AppendLine();
        text.AppendLine("| etcd | db | " + string.Join(" | ", LinkColumns.Select(c => c.Label)) + " |");
        text.AppendLine("|---|---|" + string.Concat(LinkColumns.Select(_ => "---:|")));
        foreach (var group in Groups(samples))
        {
            var cells = LinkColumns.Select(c => group.Where(s => s.Scenario == c.Scenario && s.Tool == c.Tool).ToList())
                .Select(runs => runs.Count == 0 ? "–" : (Statistics.Median(runs.Select(s => (double)s.LinkBytes)) / runs[0].DbBytes).ToString("F2", Invariant));
            text.AppendLine(Invariant, $"| {group.First().Etcd} | {Megabytes(group.First().DbBytes)} | {string.Join(" | ", cells)} |");
        }

        text.AppendLine().AppendLine("clusterctl's own phases (median seconds, from `--output json`):").AppendLine();
        text.AppendLine("| etcd | db | scenario | phases |");
        text.AppendLine("|---|---|---|---|");
        foreach (var group in Groups(samples))
        {
            foreach (var scenario in group.Where(s => s.Tool == "clusterctl").GroupBy(s => s.Scenario))
            {
                var first = scenario.First();
                var phases = first.Phases.Keys.Select(phase =>
                    $"{phase} {Statistics.Median(scenario.Select(s => s.Phases.GetValueOrDefault(phase))).ToString("F2", Invariant)}");
                text.AppendLine(Invariant, $"| {first.Etcd} | {Megabytes(first.DbBytes)} | {scenario.Key} | {string.Join(" · ", phases)} |");
            }
        }

        text.AppendLine().AppendLine("Peak RSS of clusterctl by size (largest over all its runs at that size):").AppendLine();
        foreach (var version in samples.GroupBy(s => s.Etcd))
        {
            var bySize = version.Where(s => s.Tool == "clusterctl").GroupBy(s => s.Size).OrderBy(g => g.Key.Bytes)
                .Select(g => (g.Key, Rss: g.Max(s => s.PeakRssBytes ?? 0))).ToList();
            text.AppendLine(Invariant, $"- etcd {version.Key}: {string.Join(" · ", bySize.Select(s => $"{s.Key} {Megabytes(s.Rss)}"))}{MemoryVerdict(version)}");
        }

        return text.ToString();
    }

    // The memory target: a save with S3 of 1 GiB within 120 MB, and a larger one within 10 % of that.
    private static string MemoryVerdict(IEnumerable<Sample> samples)
    {
        var bySize = samples.Where(s => s.Scenario == "save+s3").GroupBy(s => s.Size).OrderBy(g => g.Key.Bytes)
            .Select(g => (g.Key, Rss: g.Max(s => s.PeakRssBytes ?? 0))).ToList();
        var gib = bySize.FirstOrDefault(s => s.Key.Bytes == 1L << 30);
        if (gib.Rss == 0)
        {
            return "";
        }

        var verdict = string.Create(Invariant, $"; save with S3 at 1 GiB: {Megabytes(gib.Rss)} (target ≤ 120 MB: {(gib.Rss <= 120e6 ? "met" : "**missed**")})");
        foreach (var (size, rss) in bySize.Where(s => s.Key.Bytes > 1L << 30))
        {
            var ratio = (double)rss / gib.Rss;
            verdict += string.Create(Invariant, $"; at {size}: {Megabytes(rss)}, {ratio:F2}× (target ≤ 1.1×: {(ratio <= 1.1 ? "met" : "**missed**")})");
        }

        return verdict;
    }

    private static readonly (string Label, string Scenario, string Tool)[] LinkColumns =
    [
        ("clusterctl save", "save", "clusterctl"), ("clusterctl save+S3", "save+s3", "clusterctl"), ("B1", "save", "B1"), ("B2", "save", "B2"),
        ("clusterctl restore", "restore", "clusterctl"), ("B3R", "restore", "B3R"), ("B3P", "restore", "B3P"),
    ];

    private static IEnumerable<IGrouping<(string Etcd, long Size), Sample>> Groups(IReadOnlyList<Sample> samples) =>
        samples.GroupBy(s => (s.Etcd, s.Size.Bytes)).OrderBy(g => g.Key.Etcd, StringComparer.Ordinal).ThenBy(g => g.Key.Bytes);

    private static string BaselineName(string baseline) => baseline switch
    {
        "B1" => "B1 etcdctl + ssh cat",
        "B2" => "B2 RKE, node by node",
        "B3R" => "B3R manual, node by node",
        "B3P" => "B3P manual, nodes in parallel",
        _ => baseline,
    };

    private static string Megabytes(long bytes) => bytes >= 1e9 ? $"{bytes / 1e9:F2} GB" : $"{bytes / 1e6:F0} MB";
}
