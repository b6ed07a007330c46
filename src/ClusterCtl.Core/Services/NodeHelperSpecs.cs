using ClusterCtl.Config;
using ClusterCtl.Docker;

namespace ClusterCtl.Services;

/// <summary>
/// The helper containers every layer runs on a node, as RKE's own tools run there: a shell in the alpine (rke-tools)
/// image over host directories, with registry credentials from <c>private_registries</c>, and the paths of RKE's
/// layout as those helpers see them. Etcd's own helpers are in <c>Etcd/EtcdHelperSpecs</c>.
/// </summary>
internal static class NodeHelperSpecs
{
    public const string KubernetesDirectoryInContainer = "/etc/kubernetes";
    public const string SnapshotDirectoryInContainer = "/backup";
    public const string CaCertificate = "/etc/kubernetes/ssl/kube-ca.pem";

    /// <summary>A shell in the alpine (rke-tools) image with the snapshot directory mounted at /backup.</summary>
    public static HelperSpec SnapshotShell(ClusterConfig config, string purpose, string script, bool readOnly = false) =>
        AlpineShell(config, purpose, script, [SnapshotDirectoryBind(config, readOnly)]);

    /// <summary>As <see cref="SnapshotShell(ClusterConfig, string, string, bool)"/>, with the script's values in the environment.</summary>
    public static HelperSpec SnapshotShell(ClusterConfig config, string purpose, HelperScript script, bool readOnly = false) =>
        AlpineShell(config, purpose, script, [SnapshotDirectoryBind(config, readOnly)]);

    private static string SnapshotDirectoryBind(ClusterConfig config, bool readOnly) =>
        $"{config.SnapshotDirectory}:{SnapshotDirectoryInContainer}{(readOnly ? ":ro" : "")}";

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
