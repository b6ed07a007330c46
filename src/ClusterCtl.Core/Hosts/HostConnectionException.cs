namespace ClusterCtl.Hosts;

/// <summary>A host could not be reached (or its Docker socket could not be forwarded). The message is one line with the fix.</summary>
internal sealed class HostConnectionException : ClusterCtlException
{
    public HostConnectionException(string host, HostConnectionFailure failure, string message, Exception? innerException = null)
        // A key file that cannot be read is a config error: nothing was attempted.
        : base(message, failure == HostConnectionFailure.KeyFileUnreadable ? ExitCodes.InvalidInput : ExitCodes.Failed, innerException)
    {
        Host = host;
        Failure = failure;
    }

    /// <summary>The endpoint's DisplayName.</summary>
    public string Host { get; }

    public HostConnectionFailure Failure { get; }

    public static HostConnectionException For(SshEndpoint endpoint, SshFailureDiagnosis diagnosis, SshClientOptions options, Exception? innerException = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(diagnosis);
        return new HostConnectionException(endpoint.DisplayName, diagnosis.Failure, HostConnectionMessages.Describe(endpoint, diagnosis, options), innerException);
    }
}
