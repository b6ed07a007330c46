namespace ClusterCtl.Schedule;

/// <summary>The /healthz verdict: healthy while the last success (or, before any, the start) is within twice the interval.</summary>
internal static class ScheduleHealth
{
    // Twice the interval: one missed tick is tolerated (a held lock, a node rebooting), two in a row are not.
    public const int ToleratedIntervals = 2;

    public static bool IsHealthy(DateTimeOffset now, DateTimeOffset startedAt, DateTimeOffset? lastSuccess, TimeSpan interval) =>
        now - (lastSuccess ?? startedAt) <= interval * ToleratedIntervals;
}
