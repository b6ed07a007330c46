using System.Text;

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

    public bool AllConnected => Failures.Count == 0;

    /// <summary>For operations that need every host: one failure is rethrown as is, several are listed one per line.</summary>
    public void ThrowIfAnyFailed()
    {
        if (Failures.Count == 0)
        {
            return;
        }

        if (Failures.Count == 1)
        {
            throw Failures.Values.Single();
        }

        var message = new StringBuilder($"{Failures.Count} of {Failures.Count + Tunnels.Count} hosts cannot be reached:");
        foreach (var failure in Failures.Values.OrderBy(f => f.Host, StringComparer.Ordinal))
        {
            message.Append('\n').Append("  ").Append(failure.Message);
        }

        throw new ClusterCtlException(message.ToString(), ExitCodes.Failed, new AggregateException(Failures.Values));
    }
}
