namespace ClusterCtl.Restore;

/// <summary>How far one node's swap of member directories got; the rollback acts on exactly that.</summary>
internal enum SwapProgress
{
    /// <summary>Nothing on the node's data dir was moved.</summary>
    NotStarted,

    /// <summary>The swap ran but did not report success: any part of it may have happened.</summary>
    Attempted,

    /// <summary>The restored member is live; the original (if any) is in pre-restore-&lt;time&gt;/member.</summary>
    Completed,
}
