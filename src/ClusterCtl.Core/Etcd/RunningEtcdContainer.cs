using System.Diagnostics.CodeAnalysis;
using ClusterCtl.Docker;
using ClusterCtl.Hosts;
using Serilog;

namespace ClusterCtl.Etcd;

/// <summary>
/// A node's <c>etcd</c> container as a place to exec short commands (etcdctl, <c>etcd --version</c>): a process start
/// instead of a helper container's start. Callers fall back to a helper whenever this gives nothing.
/// </summary>
internal static class RunningEtcdContainer
{
    /// <summary>The node's etcd container when it is running (not stopped, not restarting); null otherwise, also when the daemon will not say.</summary>
    public static async Task<ContainerDetails?> FindAsync(NodeSession node, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        try
        {
            var etcd = await node.Docker.InspectContainerAsync(EtcdContainerSpec.ContainerName, cancellationToken);
            return IsRunning(etcd) ? etcd : null;
        }
        catch (DockerApiException e)
        {
            logger.Debug("Cannot inspect the etcd container on {Host} ({Error}); using a helper", node.Host, e.Message);
            return null;
        }
    }

    /// <summary>
    /// Runs <paramref name="cmd"/> in <paramref name="etcd"/>; null when the daemon refuses (it stopped or began restarting
    /// since), or when the command failed and the container is no longer the one that was running: an etcd in a crash
    /// loop (a member whose data is gone, the very case a restore is for) runs for a moment between restarts and takes
    /// the exec down with it, which says nothing about the command.
    /// </summary>
    public static async Task<HelperResult?> TryExecAsync(
        NodeSession node, ContainerDetails etcd, string purpose, IReadOnlyList<string> cmd, IReadOnlyList<string>? env, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(etcd);
        try
        {
            var result = await node.Docker.ExecAsync(etcd.Id, cmd, env, cancellationToken);
            if (!result.Succeeded && !await IsStillRunningAsync(node, etcd, cancellationToken))
            {
                logger.Debug("{Purpose}: the etcd container on {Host} stopped while it ran (exit {ExitCode}); using a helper", purpose, node.Host, result.ExitCode);
                return null;
            }

            logger.Debug("{Purpose} in the etcd container on {Host} exited with {ExitCode}", purpose, node.Host, result.ExitCode);
            return result with { ContainerName = EtcdContainerSpec.ContainerName };
        }
        catch (DockerApiException e)
        {
            logger.Debug("{Purpose} cannot run in the etcd container on {Host} ({Error}); using a helper", purpose, node.Host, e.Message);
            return null;
        }
    }

    private static async Task<bool> IsStillRunningAsync(NodeSession node, ContainerDetails etcd, CancellationToken cancellationToken)
    {
        var now = await node.Docker.InspectContainerAsync(etcd.Id, cancellationToken);
        return IsRunning(now) && now.State.StartedAt == etcd.State.StartedAt;
    }

    // Running and not restarting: docker reports a restarting container as Running too.
    private static bool IsRunning([NotNullWhen(true)] ContainerDetails? container) => container is { State.Running: true, State.Status: "running" };
}
