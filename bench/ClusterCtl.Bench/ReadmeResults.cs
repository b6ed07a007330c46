namespace ClusterCtl.Bench;

/// <summary>Puts a run's tables between the results markers of bench/README.md, so the README shows the latest run.</summary>
internal static class ReadmeResults
{
    public const string Begin = "<!-- results:begin (written by bench/bench.sh --update-readme) -->";
    public const string End = "<!-- results:end -->";

    public static void Replace(string readmePath, string tables)
    {
        var text = File.ReadAllText(readmePath);
        var begin = text.IndexOf(Begin, StringComparison.Ordinal);
        var end = text.IndexOf(End, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            throw new BenchException($"{readmePath} has no results markers ({Begin} ... {End})");
        }

        File.WriteAllText(readmePath, string.Concat(text.AsSpan(0, begin + Begin.Length), "\n", tables, text.AsSpan(end)));
    }
}
