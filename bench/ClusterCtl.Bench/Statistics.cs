namespace ClusterCtl.Bench;

internal static class Statistics
{
    /// <summary>The middle value; for an even count, the mean of the two middle ones.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("the median of nothing", nameof(values));
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>Rotates the list by the repetition number, so that each tool runs first, second, ... in turn.</summary>
    public static IReadOnlyList<T> Alternate<T>(IReadOnlyList<T> runs, int repetition) =>
        runs.Count == 0 ? runs : [.. runs.Skip(repetition % runs.Count), .. runs.Take(repetition % runs.Count)];
}
