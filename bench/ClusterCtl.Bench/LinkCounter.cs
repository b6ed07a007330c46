using System.Globalization;

namespace ClusterCtl.Bench;

/// <summary>
/// Bytes that crossed the operator's link: the testbed bridge's own counters count only what this machine sent to
/// the nodes or received from them; node-to-node traffic is switched past it. S3 (on loopback) is not on it.
/// </summary>
internal sealed class LinkCounter(string bridge)
{
    public long Read() => Counter("rx_bytes") + Counter("tx_bytes");

    private long Counter(string name) =>
        long.Parse(File.ReadAllText($"/sys/class/net/{bridge}/statistics/{name}"), CultureInfo.InvariantCulture);
}
