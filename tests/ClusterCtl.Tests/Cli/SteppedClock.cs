namespace ClusterCtl.Tests.Cli;

/// <summary>A clock that moves only when a test says so, so that cadence and rates are decided without sleeping.</summary>
internal sealed class SteppedClock : TimeProvider
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
    private TimeSpan _elapsed;

    public void Advance(TimeSpan by) => _elapsed += by;

    public override DateTimeOffset GetUtcNow() => Start + _elapsed;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _elapsed.Ticks;
}
