using System.Collections.Concurrent;
using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Etcd;
using ClusterCtl.Hosts;
using Serilog;

namespace ClusterCtl.Restore;

/// <summary>
/// What the restore needs to know about the etcd image: the etcd version it runs, and whether it has etcdutl (with
/// --bump-revision). Asked once per image id, not once per node, since equal ids are the same image; and in the
/// node's etcd container when that container runs this very image (an exec, a process start), else in one-shot
/// helpers (a container start each).
/// </summary>
internal sealed class EtcdImageProbe(ClusterConfig config, ILogger logger)
{
    private readonly ConcurrentDictionary<string, Lazy<(string Host, Task<EtcdImageFacts> Facts)>> _byImageId = new(StringComparer.Ordinal);

    /// <summary>The facts of image <paramref name="imageId"/>, found on <paramref name="node"/> unless another node already asked.</summary>
    public async Task<EtcdImageFacts> ProbeAsync(NodeSession node, string imageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        var probe = _byImageId.GetOrAdd(imageId, _ => new(() => (node.Host, ProbeOnNodeAsync(node, imageId, cancellationToken)))).Value;
        try
        {
            return await probe.Facts;
        }
        catch (DockerException) when (probe.Host != node.Host)
        {
            // Docker trouble on the node that asked first is that node's problem, not this one's.
            return await ProbeOnNodeAsync(node, imageId, cancellationToken);
        }
    }

    private async Task<EtcdImageFacts> ProbeOnNodeAsync(NodeSession node, string imageId, CancellationToken cancellationToken)
    {
        var etcd = await RunningEtcdContainer.FindAsync(node, logger, cancellationToken);
        var inEtcd = etcd?.Image == imageId ? etcd : null;
        var versionTask = RunAsync(node, inEtcd, RestoreHelperSpecs.EtcdVersion(config), cancellationToken);
        var etcdutlTask = CheckEtcdutlAsync(node, inEtcd, cancellationToken);
        var version = await versionTask;
        var (hasEtcdutl, canBump) = await etcdutlTask;
        return new EtcdImageFacts(version, hasEtcdutl, canBump);
    }

    private async Task<(bool HasEtcdutl, bool CanBump)> CheckEtcdutlAsync(NodeSession node, ContainerDetails? inEtcd, CancellationToken cancellationToken)
    {
        try
        {
            var run = await RunAsync(node, inEtcd, RestoreHelperSpecs.EtcdutlHelp(config), cancellationToken);
            var help = run.Stdout + run.Stderr;
            return (run.Succeeded, help.Contains("--bump-revision", StringComparison.Ordinal) && help.Contains("--mark-compacted", StringComparison.Ordinal));
        }
        catch (DockerApiException e) when (e.IsMissingExecutable)
        {
            return (false, false);
        }
    }

    /// <summary>The helper's command, exec'd in the etcd container when there is one of the same image; a helper otherwise.</summary>
    /// <remarks>A missing executable (etcdutl in a 3.4 image) is an exit code 126 or 127 in the exec: a failed run, as it should be.</remarks>
    private async Task<HelperResult> RunAsync(NodeSession node, ContainerDetails? inEtcd, HelperSpec spec, CancellationToken cancellationToken) =>
        (inEtcd is null ? null : await RunningEtcdContainer.TryExecAsync(node, inEtcd, spec.Purpose, [.. spec.Entrypoint ?? [], .. spec.Cmd], spec.Env, logger, cancellationToken))
        ?? await node.Helpers.RunAsync(spec, cancellationToken);
}
