namespace ClusterCtl.Hosts;

/// <summary>
/// The outcome of connecting to a set of hosts: the tunnels that opened and the failures,
/// both keyed by DisplayName. `status` reports the failures; restore refuses to go on with any.
/// The tunnels belong to the <see cref="HostConnector"/> that opened them.
/// </summary>
internal sealed class HostConnections
{
    public HostConnections(IReadOnlyDictionary<string, SshTunnel> tunnels, IReadOnlyDictionary<string, HostConnectionException> failures)
    {
        Tunnels = tunnels;
        Failures = failures;
    }

    public IReadOnlyDictionary<string, SshTunnel> Tunnels { get; }

    public IReadOnlyDictionary<string, HostConnectionException> Failures { get; }
}
