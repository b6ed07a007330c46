namespace ClusterCtl.Hosts;

/// <summary>How a run reaches its hosts: the global flags that concern SSH and Docker.</summary>
internal sealed record SessionOptions
{
    public HostKeyPolicy HostKeyPolicy { get; init; } = HostKeyPolicy.AcceptNew;

    public string? KnownHostsFile { get; init; }

    /// <summary>--ssh-agent-auth; cluster.yml's ssh_agent_auth turns it on too.</summary>
    public bool SshAgentAuth { get; init; }

    public bool IgnoreDockerVersion { get; init; }

    /// <summary>
    /// Remove the helper containers earlier runs left behind as each node is attached (the default). A dry run
    /// turns it off so that it only reports them.
    /// </summary>
    public bool RemoveLeftoverHelpers { get; init; } = true;
}
