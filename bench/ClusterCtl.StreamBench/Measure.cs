using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ClusterCtl.StreamBench;

/// <summary>One way of doing a comparison's work; it returns normally only when the result checked out.</summary>
internal sealed record Contender(string Name, Func<Task> Run);

internal sealed record Row(string Comparison, string Contender, long Bytes, double[] Seconds, double[] CpuSeconds, long[] Allocated, string? Failure = null)
{
    public double MedianSeconds => Median(Seconds);

    /// <summary>Processor time of the whole process (every thread) during a run: less at the mercy of other load than wall time.</summary>
    public double MedianCpuSeconds => Median(CpuSeconds);

    public double MegabytesPerSecond => Bytes / 1e6 / MedianSeconds;

    /// <summary>Throughput per second of processor time: what the work costs, whatever else the machine is doing.</summary>
    public double MegabytesPerCpuSecond => Bytes / 1e6 / MedianCpuSeconds;

    public long MedianAllocated => (long)Median([.. Allocated.Select(a => (double)a)]);

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}

internal static class Measure
{
    /// <summary>
    /// Runs every contender once untimed (JIT, pools), then <paramref name="runs"/> rounds in which each runs once,
    /// the order rotating from round to round so that a noisy neighbour hits all of them alike.
    /// </summary>
    public static async Task<IReadOnlyList<Row>> CompareAsync(string comparison, long bytes, int runs, IReadOnlyList<Contender> contenders, TextWriter log)
    {
        var failures = new string?[contenders.Count];
        for (var i = 0; i < contenders.Count; i++)
        {
            try
            {
                await contenders[i].Run();
            }
#pragma warning disable CA1031 // a contender that cannot do the work at all is a result, not a crash of the harness
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures[i] = $"{e.GetType().Name}: {e.Message}";
                log.WriteLine($"  {comparison} | {contenders[i].Name}: fails, {failures[i]}");
            }
        }

        var seconds = contenders.Select(_ => new double[runs]).ToArray();
        var cpuSeconds = contenders.Select(_ => new double[runs]).ToArray();
        var allocated = contenders.Select(_ => new long[runs]).ToArray();
        using var process = Process.GetCurrentProcess();
        for (var round = 0; round < runs; round++)
        {
            for (var turn = 0; turn < contenders.Count; turn++)
            {
                var index = (round + turn) % contenders.Count;
                if (failures[index] is not null)
                {
                    continue;
                }

                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                var before = GC.GetTotalAllocatedBytes(precise: true);
                process.Refresh();
                var cpuBefore = process.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                await contenders[index].Run();
                clock.Stop();
                process.Refresh();
                cpuSeconds[index][round] = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
                allocated[index][round] = GC.GetTotalAllocatedBytes(precise: true) - before;
                seconds[index][round] = clock.Elapsed.TotalSeconds;
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {comparison} | {contenders[index].Name}: {seconds[index][round]:F3} s, CPU {cpuSeconds[index][round]:F3} s, {allocated[index][round] / 1024.0:F0} KiB allocated"));
            }
        }

        return [.. contenders.Select((c, i) => new Row(comparison, c.Name, bytes, seconds[i], cpuSeconds[i], allocated[i], failures[i]))];
    }

    public static string Table(IEnumerable<Row> rows)
    {
        var table = new StringBuilder();
        table.AppendLine("| comparison | implementation | CPU s (median) | MB per CPU s | wall s (median) | MB/s (wall) | spread MB/s (wall) | allocated per run (median) | allocated per MiB |");
        table.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            if (row.Failure is not null)
            {
                table.AppendLine($"| {row.Comparison} | {row.Contender} | fails: {row.Failure.Replace("|", "\\|", StringComparison.Ordinal)} | | | | | | |");
                continue;
            }

            var slowest = row.Bytes / 1e6 / row.Seconds.Max();
            var fastest = row.Bytes / 1e6 / row.Seconds.Min();
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Comparison} | {row.Contender} | {row.MedianCpuSeconds:F2} | {row.MegabytesPerCpuSecond:F0} | {row.MedianSeconds:F3} | {row.MegabytesPerSecond:F0} | {slowest:F0}–{fastest:F0} | {Size(row.MedianAllocated)} | {Size((long)(row.MedianAllocated / (row.Bytes / 1024.0 / 1024)))} |"));
        }

        return table.ToString();
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 10L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024:F1} MiB"),
        >= 10L * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };
}
