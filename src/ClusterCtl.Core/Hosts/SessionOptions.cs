namespace ClusterCtl.Hosts;

/// <summary>How a run reaches its hosts: the global flags that concern SSH and Docker.</summary>
internal sealed record SessionOptions
{
    public HostKeyPolicy HostKeyPolicy { get; init; } = HostKeyPolicy.AcceptNew;

    public string? KnownHostsFile { get; init; }

    /// <summary>--ssh-agent-auth; cluster.yml's ssh_agent_auth turns it on too.</summary>
    public bool SshAgentAuth { get; init; }

    public bool IgnoreDockerVersion { get; init; }

    /// <summary>--force-unlock: a run that takes the cluster lock first removes any lock, and other runs' helpers.</summary>
    public bool ForceUnlock { get; init; }
}
