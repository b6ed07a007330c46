namespace ClusterCtl.Restore;

/// <summary>
/// A restore that failed after the point of no return: rolled back (exit 1) or in need of manual attention (exit 3).
/// The message is the one-line cause; <see cref="Report"/> holds the phases and the manual steps, for --output json.
/// </summary>
internal sealed class RestoreFailedException(RestoreReport report, Exception? innerException = null)
    : ClusterCtlException(report.Failure ?? "the restore failed", report.ExitCode, innerException)
{
    public RestoreReport Report { get; } = report;
}
