using ClusterCtl.Config;
using ClusterCtl.Docker;

namespace ClusterCtl.Restore;

/// <summary>
/// A kube-apiserver whose <c>--etcd-servers</c> still names an etcd member that cluster.yml no longer has (a node that
/// was replaced or removed). clusterctl does not rewrite the control plane, so the report says so, with the fix.
/// </summary>
internal sealed record StaleEtcdServers(string Host, IReadOnlyList<string> StaleServers, IReadOnlyList<string> ExpectedServers)
{
    public string Message =>
        $"kube-apiserver on {Host}: --etcd-servers still names {string.Join(", ", StaleServers)}, which is not an etcd node in cluster.yml; " +
        $"reconfigure the control plane, e.g. rke up, so --etcd-servers lists only {string.Join(",", ExpectedServers)}";

    /// <summary>The stale entries of one kube-apiserver container, or null when its --etcd-servers is absent or up to date.</summary>
    public static StaleEtcdServers? Find(ClusterConfig config, string host, ContainerDetails apiserver)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(apiserver);
        var args = (apiserver.Args ?? []).Concat(apiserver.Config.Cmd ?? []);
        var servers = args
            .Where(a => a.StartsWith("--etcd-servers=", StringComparison.Ordinal))
            .SelectMany(a => a["--etcd-servers=".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var expected = config.EtcdNodes.Select(n => n.EtcdClientUrl).ToList();
        var known = config.EtcdNodes.SelectMany(n => new[] { n.InternalAddress, n.Address, n.HostnameOverride }).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var stale = servers.Where(s => !known.Contains(HostOf(s))).ToList();
        return stale.Count == 0 ? null : new StaleEtcdServers(host, stale, expected);
    }

    private static string HostOf(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host.Trim('[', ']') : url;
}
