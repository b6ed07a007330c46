namespace ClusterCtl.Hosts;

/// <summary>
/// sshd 9.x refuses a forward to a missing socket, to a socket we may not open, to a dead
/// daemon and under AllowStreamLocalForwarding=no with the same words ("open failed"). The fixes
/// differ, so we ask the host through the already-authenticated master which one it is.
/// </summary>
internal static class DockerSocketDiagnosis
{
    private const int Missing = 10;
    private const int NotASocket = 11;
    private const int NoPermission = 12;
    private const int ListeningSoSshdRefused = 13;
    private const int NobodyListening = 14;

    public static async Task<SshFailureDiagnosis?> DiagnoseAsync(string sshPath, SshEndpoint endpoint, string controlSocket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var socket = endpoint.RemoteDockerSocket;
        var arguments = SshCommandLine.ForRemoteCommand(endpoint, controlSocket, "sh -c " + SshQuoting.ShellQuote(Script(socket)));
        int exitCode;
        try
        {
            (exitCode, _, _) = await SshProcess.RunAsync(sshPath, arguments, TimeSpan.FromSeconds(10), cancellationToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        return exitCode switch
        {
            Missing => new(HostConnectionFailure.DockerSocketMissing, SshHop.Target, null),
            NotASocket => new(HostConnectionFailure.DockerSocketMissing, SshHop.Target, $"{socket} exists but is not a socket"),
            NoPermission => new(HostConnectionFailure.DockerPermissionDenied, SshHop.Target, null),
            ListeningSoSshdRefused => new(HostConnectionFailure.ForwardingProhibited, SshHop.Target, $"Docker listens on {socket}, but sshd refused to connect to it"),
            NobodyListening => new(HostConnectionFailure.DockerDaemonNotRunning, SshHop.Target, null),
            // No shell, a forced command, no /proc: we cannot tell.
            _ => null,
        };
    }

    /// <summary>
    /// POSIX sh, run as the SSH user. "Listening" comes from /proc/net/unix (readable by anyone on Linux),
    /// checked for the path as given and as resolved, since /var/run is usually a symlink to /run.
    /// </summary>
    internal static string Script(string socket) =>
        $"p={SshQuoting.ShellQuote(socket)}; " +
        $"[ -e \"$p\" ] || exit {Missing}; " +
        $"[ -S \"$p\" ] || exit {NotASocket}; " +
        $"{{ [ -r \"$p\" ] && [ -w \"$p\" ]; }} || exit {NoPermission}; " +
        "[ -r /proc/net/unix ] || exit 20; " +
        "r=$(readlink -f \"$p\" 2>/dev/null || echo \"$p\"); " +
        $"awk -v a=\"$p\" -v b=\"$r\" '$NF == a || $NF == b {{ found = 1 }} END {{ exit !found }}' /proc/net/unix && exit {ListeningSoSshdRefused}; " +
        $"exit {NobodyListening}";
}
