using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Hosts;
using ClusterCtl.Services;
using Serilog;

namespace ClusterCtl.Etcd;

/// <summary>
/// Runs etcdctl on an etcd node, against any of the members. Where the node's etcd container runs, etcdctl runs
/// inside it (an exec: a process start); elsewhere in a one-shot helper of the etcd image (a container start, about a
/// second on a busy host, and most of what a health poll would otherwise cost). Both use the node's certificates from
/// /etc/kubernetes/ssl, where RKE's etcd container and the helper both have them.
/// </summary>
internal sealed class EtcdctlRunner(ClusterConfig config, ILogger logger)
{
    /// <summary>Runs <c>etcdctl <paramref name="args"/></c> from <paramref name="node"/> against <paramref name="endpoints"/>. A non-zero exit is returned, not thrown.</summary>
    public async Task<HelperResult> RunAsync(
        NodeSession node, string purpose, IReadOnlyList<string> endpoints, TimeSpan commandTimeout, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        return await TryExecAsync(node, purpose, endpoints, commandTimeout, args, cancellationToken)
            ?? await node.Helpers.RunAsync(EtcdHelperSpecs.Etcdctl(config, node.Node, purpose, endpoints, commandTimeout, args), cancellationToken);
    }

    /// <summary>The exec in the running etcd container; null when there is none to exec in, or the exec could not start.</summary>
    private async Task<HelperResult?> TryExecAsync(
        NodeSession node, string purpose, IReadOnlyList<string> endpoints, TimeSpan commandTimeout, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (await RunningEtcdContainer.FindAsync(node, logger, cancellationToken) is not { } etcd || !HasKubernetesDirectory(etcd))
        {
            return null;
        }

        // Variables, not flags: RKE's container sets ETCDCTL_CACERT and friends, and etcdctl exits when a flag shadows one.
        var env = EtcdHelperSpecs.EtcdctlConnection(node.Node, endpoints, commandTimeout)
            .Select(e => $"ETCDCTL_{e.Name.Replace('-', '_').ToUpperInvariant()}={e.Value}")
            .Prepend("ETCDCTL_API=3")
            .ToList();
        var result = await RunningEtcdContainer.TryExecAsync(node, etcd, "etcdctl " + purpose, ["etcdctl", .. args], env, logger, cancellationToken);
        // 126 and 127: the runtime could not start etcdctl there (not in that image); a helper can.
        return result is { ExitCode: 126 or 127 } ? null : result;
    }

    private static bool HasKubernetesDirectory(ContainerDetails etcd) =>
        etcd.HostConfig.Binds?.Any(b => b.Split(':') is [_, NodeHelperSpecs.KubernetesDirectoryInContainer, ..]) ?? false;
}
