namespace ClusterCtl.Schedule;

/// <summary>When ticks happen: every <see cref="Interval"/> plus a small random jitter, and a catch-up tick at start.</summary>
internal sealed record SnapshotSchedule(TimeSpan Interval)
{
    // Up to 10% of the interval, at most 30 s: enough to spread many clusters' uploads, small next to the interval.
    public TimeSpan MaxJitter => TimeSpan.FromTicks(Math.Min(Interval.Ticks / 10, TimeSpan.FromSeconds(30).Ticks));

    /// <summary>
    /// The first tick. Catch-up: when there is no scheduled snapshot, or the newest is an interval old or more,
    /// a snapshot is due now; otherwise the schedule continues from the newest one.
    /// </summary>
    public DateTimeOffset FirstTick(DateTimeOffset now, DateTimeOffset? newestScheduled, double jitterFraction)
    {
        if (newestScheduled is not { } newest || now - newest >= Interval)
        {
            return now;
        }

        return newest + Interval + Jitter(jitterFraction);
    }

    /// <summary>
    /// The tick after one that started at <paramref name="tickStarted"/>. Anchored on the start so ticks do not
    /// drift by their duration; a tick that overran its interval is followed at once, never by a burst.
    /// </summary>
    public DateTimeOffset NextTick(DateTimeOffset tickStarted, DateTimeOffset now, double jitterFraction)
    {
        var next = tickStarted + Interval + Jitter(jitterFraction);
        return next > now ? next : now;
    }

    /// <summary>Whether the catch-up rule asks for a snapshot at once.</summary>
    public bool NeedsCatchUp(DateTimeOffset now, DateTimeOffset? newestScheduled) => FirstTick(now, newestScheduled, 0) == now;

    private TimeSpan Jitter(double fraction) => TimeSpan.FromTicks((long)(MaxJitter.Ticks * Math.Clamp(fraction, 0, 1)));
}
