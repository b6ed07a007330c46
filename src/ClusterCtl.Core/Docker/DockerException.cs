namespace ClusterCtl.Docker;

/// <summary>
/// Docker on a host could not do what we asked: the socket is unreachable, the daemon is too old,
/// or it did not answer in time. The message always names the host, because a run talks to many.
/// </summary>
internal class DockerException : ClusterCtlException
{
    public DockerException(string host, string message, Exception? innerException = null)
        : base(message, ExitCodes.Failed, innerException)
    {
        Host = host;
    }

    /// <summary>The display name of the host whose docker failed, e.g. "10.213.0.11".</summary>
    public string Host { get; }
}
