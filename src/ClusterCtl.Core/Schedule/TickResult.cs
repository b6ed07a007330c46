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
    string? Error)
{
    /// <summary>When the tick's restore drill verified its snapshot; null when there was none.</summary>
    public DateTimeOffset? VerifiedAt { get; init; }

    /// <summary>The snapshot was saved but its restore drill failed (the tick then counts as failed).</summary>
    public bool VerifyFailed { get; init; }
}
