namespace ClusterCtl.Restore;

/// <summary>How a rollback ended: succeeded when there are no problems; otherwise the problems and the manual steps.</summary>
internal sealed record RollbackResult(IReadOnlyList<string> Problems, IReadOnlyList<ManualStep> ManualSteps)
{
    public bool Succeeded => Problems.Count == 0;
}
