namespace ClusterCtl.Storage;

/// <summary>
/// S3 could not do what was asked. The message is one line that names the endpoint, the bucket and folder, the
/// cause and the fix, and never a key. A missing snapshot exits 2 (bad input); everything else exits 1.
/// </summary>
internal sealed class S3Exception : ClusterCtlException
{
    public S3Exception(string message, int exitCode = ExitCodes.Failed, Exception? innerException = null)
        : base(message, exitCode, innerException)
    {
    }
}
