namespace ClusterCtl.Restore;

internal enum RestoreOutcome
{
    /// <summary>Only the plan was made; nothing was written.</summary>
    DryRun,

    /// <summary>etcd runs on the snapshot's data, and the components were restarted.</summary>
    Restored,

    /// <summary>The restore failed after the point of no return and the cluster was put back as it was (exit 1).</summary>
    RolledBack,

    /// <summary>Something could not be done or undone; the report's manual steps say what to do (exit 3).</summary>
    NeedsManualAttention,
}
