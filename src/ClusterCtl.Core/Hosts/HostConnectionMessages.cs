using System.Globalization;

namespace ClusterCtl.Hosts;

/// <summary>
/// One-line operator messages for connection failures: the node, what went wrong, and how to
/// fix it. Built from the endpoint and ssh's own words; never from key contents.
/// </summary>
internal static class HostConnectionMessages
{
    public static string Describe(SshEndpoint target, SshFailureDiagnosis diagnosis, SshClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(diagnosis);
        ArgumentNullException.ThrowIfNull(options);

        var viaBastion = diagnosis.Hop == SshHop.Bastion;
        // A bastion hop failure without a bastion of ours means a ProxyJump/ProxyCommand from ~/.ssh/config.
        var hop = viaBastion ? target.Bastion : target;
        var hopName = viaBastion
            ? hop is null ? "the jump host from your ssh config" : $"bastion {hop.User}@{hop.Address}:{hop.Port}"
            : target.Bastion is { } b ? $"{target.Address}:{target.Port} (from bastion {b.Address})" : $"{target.Address}:{target.Port}";
        var said = diagnosis.Evidence is { } evidence ? $" ({OneLine(evidence)})" : string.Empty;
        var socket = target.RemoteDockerSocket;

        var text = diagnosis.Failure switch
        {
            HostConnectionFailure.AuthenticationFailed =>
                $"SSH login to {hopName} as {(hop ?? target).User} was refused{said}; make sure {KeyDescription(hop)} is in that user's ~/.ssh/authorized_keys on the host, or fix {(viaBastion ? "bastion_host" : "ssh_key_path/ssh_key/ssh_agent_auth")} in cluster.yml",
            HostConnectionFailure.HostKeyChanged =>
                $"host key of {hopName} changed (possible MITM, or the host was reinstalled); verify the new key and remove the old one with: {RemoveKnownHostCommand(hop ?? target, options)}",
            HostConnectionFailure.HostKeyUnknown =>
                $"host key of {hopName} is not in {KnownHostsFile(options)} and host key checking is strict; compare the key's fingerprint with the host's (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and add it: ssh-keyscan -p {(hop ?? target).Port} {(hop ?? target).Address} >> {KnownHostsFile(options)}",
            HostConnectionFailure.ConnectionRefused =>
                $"connection to {hopName} was refused; check that sshd is running on that host and listens on port {(hop ?? target).Port}",
            HostConnectionFailure.Timeout =>
                $"connection to {hopName} timed out{said}; check that the host is up and that no firewall drops SSH (ConnectTimeout is {Seconds(options.ConnectTimeout)}s)",
            HostConnectionFailure.Unreachable =>
                $"{hopName} is unreachable{said}; check the address in cluster.yml and the network path to it (routes, VPN, firewall)",
            HostConnectionFailure.NameResolution =>
                $"cannot resolve the host name of {hopName}{said}; check the address in cluster.yml and DNS",
            HostConnectionFailure.HandshakeRejected =>
                $"{hopName} closed the connection during the SSH handshake{said}; its sshd may be throttling concurrent logins (MaxStartups) or a TCP wrapper or firewall rejects this client: try again, or raise MaxStartups in that host's sshd_config",
            HostConnectionFailure.ForwardingProhibited => viaBastion
                ? $"{hopName} refuses to forward the connection to the node{said}; set AllowTcpForwarding yes in the bastion's sshd_config"
                : $"sshd on the host refuses to forward the Docker socket {socket}{said}; set AllowStreamLocalForwarding yes in its sshd_config and remove restrict/no-port-forwarding from the key's authorized_keys entry",
            HostConnectionFailure.DockerSocketMissing =>
                $"there is no Docker socket at {socket} on the host{said}; install and start Docker there, or set docker_socket in cluster.yml",
            HostConnectionFailure.DockerPermissionDenied =>
                $"user {target.User} may not use the Docker socket {socket}; add the user to the docker group on the host (usermod -aG docker {target.User}) or connect as a user who can",
            HostConnectionFailure.DockerDaemonNotRunning =>
                $"nothing is listening on the Docker socket {socket}; start Docker on the host (systemctl start docker)",
            HostConnectionFailure.DockerSocketUnavailable =>
                $"sshd could not connect to the Docker socket {socket}{said}; check that Docker runs there, that {target.User} may use the socket, and that sshd_config allows AllowStreamLocalForwarding",
            HostConnectionFailure.KeyFileUnreadable =>
                $"cannot use the SSH key or certificate for {hopName}{said}; check ssh_key_path/ssh_cert_path in cluster.yml, and that the file is readable and has mode 0600",
            HostConnectionFailure.SshClientMissing =>
                $"the OpenSSH client '{options.SshExecutable}' was not found; install it (apt-get install openssh-client) or put ssh on PATH",
            HostConnectionFailure.ConnectionLost =>
                $"the SSH connection to {hopName} was lost{said}; check the network path to the host and run the command again",
            _ =>
                $"SSH connection to {hopName} failed{said}; run with --debug to see ssh's full output",
        };
        return target.DisplayName + ": " + text;
    }

    private static string KeyDescription(SshEndpoint? endpoint)
    {
        if (endpoint is null)
        {
            return "your key";
        }

        var agentNote = Environment.GetEnvironmentVariable("SSH_AUTH_SOCK") is { Length: > 0 }
            ? string.Empty
            : " (SSH_AUTH_SOCK is not set, so no agent is available)";
        var key = endpoint.IdentityFile is { } file ? $"the public half of {file}" : null;
        var description = (key, endpoint.UseAgent) switch
        {
            ({ } k, true) => $"{k} or of a key in your ssh-agent{agentNote}",
            ({ } k, false) => k,
            (null, true) => $"a key in your ssh-agent{agentNote}",
            (null, false) => "your default key (~/.ssh/id_*)",
        };
        return endpoint.CertificateFile is { } certificate
            ? $"{description} (or that the certificate {certificate} is valid for this user and host)"
            : description;
    }

    private static string RemoveKnownHostCommand(SshEndpoint endpoint, SshClientOptions options)
    {
        var name = endpoint.KnownHostsName;
        var quotedName = name.Contains('[', StringComparison.Ordinal) ? SshQuoting.ShellQuote(name) : name;
        return options.KnownHostsFile is { } file
            ? $"ssh-keygen -R {quotedName} -f {file}"
            : $"ssh-keygen -R {quotedName}";
    }

    private static string KnownHostsFile(SshClientOptions options) => options.KnownHostsFile ?? "~/.ssh/known_hosts";

    private static string Seconds(TimeSpan span) => Math.Ceiling(span.TotalSeconds).ToString(CultureInfo.InvariantCulture);

    /// <summary>ssh's line, flattened; its own "ssh: " prefix is dropped as the message already says SSH.</summary>
    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.StartsWith("ssh: ", StringComparison.Ordinal) ? line[5..] : line;
    }
}
