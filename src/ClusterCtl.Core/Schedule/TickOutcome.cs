namespace ClusterCtl.Schedule;

/// <summary>How one scheduled tick ended.</summary>
internal enum TickOutcome
{
    Succeeded,

    /// <summary>The save or the prune failed; the cause is logged and the schedule goes on.</summary>
    Failed,

    /// <summary>The cluster lock was held by another run (a manual snapshot or restore); nothing was done.</summary>
    Skipped,
}
