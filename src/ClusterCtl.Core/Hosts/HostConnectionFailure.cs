namespace ClusterCtl.Hosts;

/// <summary>Why a host could not be reached; each has its own explanation and fix (see <see cref="HostConnectionMessages"/>).</summary>
internal enum HostConnectionFailure
{
    Other,
    AuthenticationFailed,
    HostKeyChanged,
    HostKeyUnknown,
    ConnectionRefused,
    Timeout,
    Unreachable,
    NameResolution,

    /// <summary>The server hung up during the handshake: sshd's MaxStartups throttling, or a TCP wrapper/firewall. Worth a retry.</summary>
    HandshakeRejected,

    /// <summary>sshd refuses the forward (AllowStreamLocalForwarding, restrict), or the bastion refuses TCP forwarding.</summary>
    ForwardingProhibited,
    DockerSocketMissing,
    DockerPermissionDenied,

    /// <summary>The socket file exists but nothing listens on it.</summary>
    DockerDaemonNotRunning,

    /// <summary>sshd refused to connect to the Docker socket and the cause could not be narrowed down.</summary>
    DockerSocketUnavailable,
    KeyFileUnreadable,
    SshClientMissing,

    /// <summary>An established master connection died later (network cut, host rebooted).</summary>
    ConnectionLost,
}
