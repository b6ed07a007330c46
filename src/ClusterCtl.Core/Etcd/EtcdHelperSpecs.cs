using ClusterCtl.Config;
using ClusterCtl.Docker;

namespace ClusterCtl.Etcd;

/// <summary>
/// Helper containers that talk to etcd the way RKE's own helpers do: the etcd image, host network,
/// and the node's certificates from /etc/kubernetes/ssl in RKE's layout.
/// </summary>
internal static class EtcdHelperSpecs
{
    public const string KubernetesDirectoryInContainer = "/etc/kubernetes";
    public const string SnapshotDirectoryInContainer = "/backup";
    public const string CaCertificate = "/etc/kubernetes/ssl/kube-ca.pem";

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
        RegistryAuth = RegistryAuthFor(config, config.Etcd.Image),
        NetworkMode = "host",
        Entrypoint = ["etcdctl"],
        Cmd = [.. EtcdctlConnection(node, endpoints, commandTimeout).Select(e => "--" + e.Name + "=" + e.Value), .. args],
        Env = ["ETCDCTL_API=3"],
        Binds = [$"{config.KubernetesDirectory}:{KubernetesDirectoryInContainer}:ro"],
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
        yield return ("cacert", CaCertificate);
        yield return ("cert", Certificate(node));
        yield return ("key", Key(node));
        yield return ("command-timeout", ((int)Math.Ceiling(commandTimeout.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture) + "s");
    }

    /// <summary>etcdutl or etcdctl on files only (snapshot status), with the snapshot directory at /backup; no network, no certificates.</summary>
    public static HelperSpec OfflineEtcdTool(ClusterConfig config, string executable, string purpose, params string[] args) =>
        EtcdImage(config, purpose, executable, args) with { Binds = [$"{config.SnapshotDirectory}:{SnapshotDirectoryInContainer}:ro"] };

    /// <summary>One of the etcd image's own executables (etcd, etcdctl, etcdutl), with no network, binds or certificates of its own.</summary>
    public static HelperSpec EtcdImage(ClusterConfig config, string purpose, string executable, IReadOnlyList<string> args) => new()
    {
        Purpose = purpose,
        Image = config.Etcd.Image,
        RegistryAuth = RegistryAuthFor(config, config.Etcd.Image),
        Entrypoint = [executable],
        Cmd = args,
        // etcdctl 3.4 speaks the v2 API unless told otherwise.
        Env = ["ETCDCTL_API=3"],
    };

    /// <summary>A shell in the alpine (rke-tools) image with the snapshot directory mounted at /backup.</summary>
    public static HelperSpec SnapshotShell(ClusterConfig config, string purpose, string script, bool readOnly = false) =>
        AlpineShell(config, purpose, script, [$"{config.SnapshotDirectory}:{SnapshotDirectoryInContainer}{(readOnly ? ":ro" : "")}"]);

    /// <summary>A shell script in the alpine (rke-tools) image with the given host directories bound: all host-side file work runs this way.</summary>
    public static HelperSpec AlpineShell(ClusterConfig config, string purpose, string script, IReadOnlyList<string> binds) => new()
    {
        Purpose = purpose,
        Image = config.Images.Alpine,
        RegistryAuth = RegistryAuthFor(config, config.Images.Alpine),
        Entrypoint = ["sh", "-c"],
        Cmd = [script],
        Binds = binds,
    };

    /// <summary>As <see cref="AlpineShell(ClusterConfig, string, string, IReadOnlyList{string})"/>, with the script's values in the environment.</summary>
    public static HelperSpec AlpineShell(ClusterConfig config, string purpose, HelperScript script, IReadOnlyList<string> binds)
    {
        ArgumentNullException.ThrowIfNull(script);
        return AlpineShell(config, purpose, script.Text, binds) with { Env = script.Environment.Count > 0 ? script.Environment : null };
    }

    public static RegistryAuth? RegistryAuthFor(ClusterConfig config, string image) =>
        RegistryAuthSelector.Select(
            image,
            config.PrivateRegistries
                .Where(r => r.User is not null && r.Password is not null)
                .Select(r => new RegistryAuth(r.Url, r.User!, r.Password!)));
}
