namespace ClusterCtl.Restore;

/// <summary>One preflight check on one node: what was checked, whether it passed, what was found, and the fix when it did not.</summary>
/// <param name="Name">Short and stable, e.g. "docker", "etcd image", "disk", "certificates".</param>
/// <param name="Passed">Failed checks stop the restore before the point of no return.</param>
/// <param name="Detail">What was found, e.g. "present", "would pull", "81 GiB free, 1.2 GiB needed".</param>
/// <param name="Fix">For a failed check: what the operator should do.</param>
internal sealed record PreflightCheck(string Name, bool Passed, string Detail, string? Fix = null)
{
    public static PreflightCheck Pass(string name, string detail) => new(name, true, detail);

    public static PreflightCheck Fail(string name, string detail, string fix) => new(name, false, detail, fix);
}
