using System.Globalization;

namespace ClusterCtl.Bench;

/// <summary>
/// What an on-call engineer lives through during a restore: from the moment kube-apiserver stops on the first
/// control-plane node to the moment it runs again on the last one. Read afterwards from each node's Docker events,
/// so that clusterctl and the baselines are measured alike and nothing polls while they run.
/// </summary>
internal static class Downtime
{
    public static async Task<TimeSpan?> MeasureAsync(Testbed testbed, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var events = new List<(int Node, string Action, long TimeNano)>();
        for (var node = 1; node <= testbed.NodeCount; node++)
        {
            var result = await Shell.RunAsync("docker",
            [
                "-H", "unix://" + testbed[$"TB_NODE{node}_DOCKER_SOCK"], "events",
                "--since", UnixSeconds(since), "--until", UnixSeconds(until),
                "--filter", "container=kube-apiserver", "--filter", "event=die", "--filter", "event=start",
                "--format", "{{.Action}} {{.TimeNano}}",
            ], cancellationToken: cancellationToken);
            result.EnsureSucceeded($"docker events on node{node}");
            events.AddRange(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(' '))
                .Select(parts => (node, parts[0], long.Parse(parts[1], CultureInfo.InvariantCulture))));
        }

        return From(events);
    }

    /// <summary>From the first stop (die) on any node to the last start on any node; null if nothing stopped.</summary>
    public static TimeSpan? From(IReadOnlyCollection<(int Node, string Action, long TimeNano)> events)
    {
        var stops = events.Where(e => e.Action == "die").ToList();
        if (stops.Count == 0)
        {
            return null;
        }

        var starts = events.Where(e => e.Action == "start").ToList();
        if (stops.Any(stop => !starts.Any(start => start.Node == stop.Node && start.TimeNano > stop.TimeNano)))
        {
            throw new BenchException("kube-apiserver stopped during the restore and did not start again on every node");
        }

        var firstStop = stops.Min(e => e.TimeNano);
        var lastStart = starts.Max(e => e.TimeNano);
        return TimeSpan.FromTicks((lastStart - firstStop) / 100);
    }

    private static string UnixSeconds(DateTimeOffset time) =>
        (time.ToUnixTimeMilliseconds() / 1000.0).ToString("F3", CultureInfo.InvariantCulture);
}
