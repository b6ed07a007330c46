using System.Globalization;
using System.Text;

namespace ClusterCtl.Bench;

/// <summary>The run's samples as the Markdown tables bench/README.md shows: medians, ratios, memory, phases.</summary>
internal static class ResultTable
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Render(IReadOnlyList<Sample> samples, string command, string machine)
    {
        var text = new StringBuilder();
        var repetitions = samples.Count == 0 ? 0 : samples.Max(s => s.Repetition) + 1;
        text.AppendLine(Invariant, $"Command: `{command}` · {machine} · median of {repetitions} run(s), tools alternated each repetition.").AppendLine();
        text.AppendLine("| etcd | db | scenario | clusterctl | baseline | baseline time | ratio | target | peak RSS | MB/s |");
        text.AppendLine("|---|---|---|---:|---|---:|---:|---|---:|---:|");
        foreach (var group in Groups(samples))
        {
            foreach (var comparison in Comparison.All)
            {
                var ours = group.Where(s => s.Scenario == comparison.Scenario && s.Tool == "clusterctl").ToList();
                var theirs = group.Where(s => s.Scenario == (comparison.BaselineScenario ?? comparison.Scenario) && s.Tool == comparison.Baseline).ToList();
                if (ours.Count == 0 || theirs.Count == 0)
                {
                    continue;
                }

                var oursMedian = Statistics.Median(ours.Select(s => s.Elapsed.TotalSeconds));
                var theirsMedian = Statistics.Median(theirs.Select(s => s.Elapsed.TotalSeconds));
                var ratio = oursMedian / theirsMedian;
                var first = ours[0];
                var target = comparison.Target is { } t && first.DbBytes >= comparison.TargetFromBytes * 0.95
                    ? $"≤ {t.ToString("0.##", Invariant)}× {(ratio <= t ? "met" : "**missed**")}"
                    : "–";
                var rss = ours.Max(s => s.PeakRssBytes ?? 0);
                text.AppendLine(Invariant,
                    $"| {first.Etcd} | {Megabytes(first.DbBytes)} | {comparison.Label} | {oursMedian:F2} s | {BaselineName(comparison.Baseline)} | {theirsMedian:F2} s | {ratio:F2} | {target} | {Megabytes(rss)} | {first.DbBytes / 1e6 / oursMedian:F0} |");
            }
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
            text.AppendLine(Invariant, $"- etcd {version.Key}: {string.Join(" · ", bySize.Select(s => $"{s.Key} {Megabytes(s.Rss)}"))}{MemoryVerdict(bySize)}");
        }

        return text.ToString();
    }

    // The issue's memory target: at most 150 MB at 1 GiB, and within 20 % of the 32 MiB figure.
    private static string MemoryVerdict(List<(DbSize Size, long Rss)> bySize)
    {
        var reference = bySize.FirstOrDefault(s => s.Size.Bytes == 32L << 20);
        var largest = bySize.LastOrDefault();
        if (reference.Rss == 0 || largest.Size.Bytes < 1L << 30)
        {
            return "";
        }

        var ratio = (double)largest.Rss / reference.Rss;
        var met = largest.Rss <= 150e6 && ratio <= 1.2;
        return string.Create(Invariant, $"; {largest.Size} against 32 MiB: {ratio:F2}× (target ≤ 150 MB and ≤ 1.2×: {(met ? "met" : "**missed**")})");
    }

    private static IEnumerable<IGrouping<(string Etcd, long Size), Sample>> Groups(IReadOnlyList<Sample> samples) =>
        samples.GroupBy(s => (s.Etcd, s.Size.Bytes)).OrderBy(g => g.Key.Etcd, StringComparer.Ordinal).ThenBy(g => g.Key.Bytes);

    private static string BaselineName(string baseline) => baseline switch
    {
        "B1" => "B1 etcdctl + ssh cat",
        "B2" => "B2 RKE, node by node",
        "B3" => "B3 manual, node by node",
        _ => baseline,
    };

    private static string Megabytes(long bytes) => bytes >= 1e9 ? $"{bytes / 1e9:F2} GB" : $"{bytes / 1e6:F0} MB";
}
