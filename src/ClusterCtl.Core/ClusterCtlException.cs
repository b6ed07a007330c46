namespace ClusterCtl;

/// <summary>
/// An expected failure: the message is a complete one-line explanation for the operator
/// (what went wrong, where, and how to fix it), so the CLI prints it without a stack trace.
/// </summary>
public class ClusterCtlException : Exception
{
    public ClusterCtlException(string message, int exitCode = ExitCodes.Failed, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
    }

    public int ExitCode { get; }
}
