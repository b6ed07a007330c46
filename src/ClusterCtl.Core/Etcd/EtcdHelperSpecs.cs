using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Services;

namespace ClusterCtl.Etcd;

/// <summary>
/// Helper containers that talk to etcd the way RKE's own helpers do: the etcd image, host network,
/// and the node's certificates from /etc/kubernetes/ssl in RKE's layout.
/// </summary>
internal static class EtcdHelperSpecs
{
    public static string Certificate(ClusterNode node) => $"/etc/kubernetes/ssl/{node.EtcdCertificateBaseName}.pem";

    public static string Key(ClusterNode node) => $"/etc/kubernetes/ssl/{node.EtcdCertificateBaseName}-key.pem";

    /// <summary>etcdctl against this node's own member, with its TLS client certificate.</summary>
    public static HelperSpec Etcdctl(ClusterConfig config, ClusterNode node, string purpose, params string[] args) =>
        Etcdctl(config, node, purpose, TimeSpan.FromSeconds(10), args);

    /// <summary>etcdctl with its own command timeout: a member that is down costs a probe this long, not more.</summary>
    public static HelperSpec Etcdctl(ClusterConfig config, ClusterNode node, string purpose, TimeSpan commandTimeout, params string[] args) =>
        Etcdctl(config, node, purpose, [node.EtcdClientUrl], commandTimeout, args);

    /// <summary>etcdctl against <paramref name="endpoints"/>, with this node's TLS client certificate.</summary>
    public static HelperSpec Etcdctl(
        ClusterConfig config, ClusterNode node, string purpose, IReadOnlyList<string> endpoints, TimeSpan commandTimeout, IReadOnlyList<string> args) => new()
    {
        Purpose = purpose,
        Image = config.Etcd.Image,
        RegistryAuth = NodeHelperSpecs.RegistryAuthFor(config, config.Etcd.Image),
        NetworkMode = "host",
        Entrypoint = ["etcdctl"],
        Cmd = [.. EtcdctlConnection(node, endpoints, commandTimeout).Select(e => "--" + e.Name + "=" + e.Value), .. args],
        Env = ["ETCDCTL_API=3"],
        Binds = [$"{config.KubernetesDirectory}:{NodeHelperSpecs.KubernetesDirectoryInContainer}:ro"],
    };

    /// <summary>
    /// etcdctl's connection settings as flag name and value: flags for a helper, ETCDCTL_* variables for an exec in the
    /// etcd container, whose own ETCDCTL_* variables etcdctl would refuse to see shadowed by flags.
    /// </summary>
    public static IEnumerable<(string Name, string Value)> EtcdctlConnection(ClusterNode node, IReadOnlyList<string> endpoints, TimeSpan commandTimeout)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(endpoints);
        yield return ("endpoints", string.Join(',', endpoints));
        yield return ("cacert", NodeHelperSpecs.CaCertificate);
        yield return ("cert", Certificate(node));
        yield return ("key", Key(node));
        yield return ("command-timeout", ((int)Math.Ceiling(commandTimeout.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture) + "s");
    }

    /// <summary>etcdutl or etcdctl on files only (snapshot status), with the snapshot directory at /backup; no network, no certificates.</summary>
    public static HelperSpec OfflineEtcdTool(ClusterConfig config, string executable, string purpose, params string[] args) =>
        EtcdImage(config, purpose, executable, args) with { Binds = [$"{config.SnapshotDirectory}:{NodeHelperSpecs.SnapshotDirectoryInContainer}:ro"] };

    /// <summary>One of the etcd image's own executables (etcd, etcdctl, etcdutl), with no network, binds or certificates of its own.</summary>
    public static HelperSpec EtcdImage(ClusterConfig config, string purpose, string executable, IReadOnlyList<string> args) => new()
    {
        Purpose = purpose,
        Image = config.Etcd.Image,
        RegistryAuth = NodeHelperSpecs.RegistryAuthFor(config, config.Etcd.Image),
        Entrypoint = [executable],
        Cmd = args,
        // etcdctl 3.4 speaks the v2 API unless told otherwise.
        Env = ["ETCDCTL_API=3"],
    };
}
