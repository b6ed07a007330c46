namespace ClusterCtl.Hosts;

/// <summary>
/// Everything needed to reach one host over SSH. Built by the config layer from cluster.yml;
/// inline keys and certificates arrive here already written to files (see <see cref="InlineCredentialFile"/>).
/// </summary>
/// <param name="DisplayName">The node as the operator knows it (its cluster.yml address); every message starts with it.</param>
/// <param name="Address">Host name or IP that ssh connects to (may also be a Host alias from ~/.ssh/config).</param>
/// <param name="User">The remote user.</param>
internal sealed record SshEndpoint(string DisplayName, string Address, string User)
{
    public const string DefaultDockerSocket = "/var/run/docker.sock";

    public int Port { get; init; } = 22;

    /// <summary>Private key file; null leaves key choice to the agent, ~/.ssh/config and ssh's defaults.</summary>
    public string? IdentityFile { get; init; }

    /// <summary>OpenSSH certificate for the key, or null.</summary>
    public string? CertificateFile { get; init; }

    /// <summary>Offer the agent's keys too (RKE's ssh_agent_auth); otherwise only <see cref="IdentityFile"/> is offered.</summary>
    public bool UseAgent { get; init; }

    /// <summary>The Docker socket on the host (cluster.yml docker_socket).</summary>
    public string RemoteDockerSocket { get; init; } = DefaultDockerSocket;

    /// <summary>Jump host with its own address, port, user and key (cluster.yml bastion_host), or null.</summary>
    public SshEndpoint? Bastion { get; init; }

    /// <summary>The name ssh uses for this host in known_hosts: <c>addr</c> on port 22, else <c>[addr]:port</c>.</summary>
    public string KnownHostsName => Port == 22 ? Address : $"[{Address}]:{Port}";
}
