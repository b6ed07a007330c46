using System.Globalization;

namespace ClusterCtl.Bench;

/// <summary>
/// How the testbed's hosts behave during the timed runs: a CPU quota per simulated host and one for the operator's
/// side (clusterctl, ssh, s3rver), and the shaping of the operator's link to the nodes. Loading data runs without it.
/// </summary>
/// <param name="NodeCpus">CPUs each node may use; null for no quotas (every process shares the machine's cores).</param>
/// <param name="OperatorCpus">CPUs the operator's side may use.</param>
/// <param name="Link">RATE[,RTT] for testbed.sh link (e.g. 100mbit,20ms); null for an unshaped link.</param>
internal sealed record HostProfile(double? NodeCpus, double OperatorCpus, string? Link)
{
    /// <summary>Two cores: half a CPU for each of the three nodes, the other half for the operator.</summary>
    public static readonly HostProfile PerHost = new(0.5, 0.5, null);

    /// <summary>No quotas, no shaping: how the testbed runs its tests, and how data is loaded.</summary>
    public static readonly HostProfile Unshaped = new(null, 0, null);

    public static HostProfile ParseCpu(string text, HostProfile current)
    {
        if (text == "off")
        {
            return current with { NodeCpus = null };
        }

        var parts = text.Split(',');
        return parts.Length == 2 && TryCpus(parts[0], out var node) && TryCpus(parts[1], out var operatorCpus)
            ? current with { NodeCpus = node, OperatorCpus = operatorCpus }
            : throw new ArgumentException($"--cpu: give CPUs per node and for the operator (e.g. 0.5,0.5), or off; got '{text}'");
    }

    public string Describe() =>
        (NodeCpus is { } node ? string.Create(CultureInfo.InvariantCulture, $"{node} CPU per node, {OperatorCpus} for the operator") : "no CPU quotas")
        + (Link is { } link ? $", operator link {link}" : ", operator link unshaped");

    public IEnumerable<string[]> TestbedCommands()
    {
        yield return NodeCpus is { } node
            ? ["cpu", node.ToString(CultureInfo.InvariantCulture), OperatorCpus.ToString(CultureInfo.InvariantCulture)]
            : ["cpu", "off"];
        yield return ["link", Link ?? "off"];
    }

    private static bool TryCpus(string text, out double cpus) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out cpus) && cpus > 0;
}
