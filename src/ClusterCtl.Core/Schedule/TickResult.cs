namespace ClusterCtl.Schedule;

/// <summary>What one tick did, for the tick's log line and the metrics.</summary>
internal sealed record TickResult(
    TickOutcome Outcome,
    string Name,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    long SizeBytes,
    int Copies,
    int Retained,
    int Pruned,
    string? Error);
