namespace ClusterCtl.Restore;

/// <summary>A command an operator types on <paramref name="Host"/> to finish what a failed rollback could not.</summary>
internal sealed record ManualStep(string Host, string Command);
