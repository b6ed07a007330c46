namespace ClusterCtl.Schedule;

/// <summary>
/// What the scheduler asks of a tick. The seam lets the loop's timing be tested with a fake tick and a fake clock,
/// without a cluster.
/// </summary>
internal interface ISnapshotTick
{
    /// <summary>The newest scheduled snapshot and how many there are, for the catch-up decision at start.</summary>
    Task<(DateTimeOffset? Newest, int Count)> FindScheduledAsync(CancellationToken cancellationToken);

    /// <summary>Takes and prunes one scheduled snapshot. Never throws for a failed tick; only cancellation escapes.</summary>
    Task<TickResult> RunAsync(CancellationToken cancellationToken);

    /// <summary>The result of the last tick when it was cancelled for running longer than <paramref name="timeout"/>.</summary>
    TickResult TimedOut(TimeSpan timeout);
}
