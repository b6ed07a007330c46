using ClusterCtl.Docker;
using ClusterCtl.Etcd;

namespace ClusterCtl.Restore;

/// <summary>
/// Stops the etcd container on every etcd node, followers first and the leader last, and reports per node what it
/// found and whether the stop failed. The order matters: a leader told to stop hands its leadership to a connected
/// follower and waits for the handover; if that follower is stopping too, the handover never completes and the stop
/// takes some 15 s (etcd 3.4 on the testbed). Once its followers are gone the leader has no one to hand over to and
/// stops at once.
/// Runs after the point of no return, so it takes no CancellationToken: Ctrl+C is held until the cluster is
/// restored or rolled back, and every wait has its own time limit instead.
/// </summary>
internal static class EtcdStopper
{
    /// <param name="run">The restore.</param>
    /// <param name="leader">The host whose member leads, looked up by the caller (<see cref="Etcd.EtcdClusterHealth.FindLeaderAsync"/>); null when none does.</param>
    /// <param name="inspected">Called with each node's etcd container (null: none) before it is stopped.</param>
    /// <returns>The nodes where the stop failed, with the error; empty when etcd is stopped everywhere.</returns>
    public static async Task<IReadOnlyDictionary<EtcdNodeState, Exception>> StopAllAsync(RestoreRun run, string? leader, Action<EtcdNodeState, ContainerDetails?>? inspected = null)
    {
        ArgumentNullException.ThrowIfNull(run);

        var failures = new Dictionary<EtcdNodeState, Exception>();
        var followers = await Task.WhenAll(run.EtcdNodes.Where(n => n.Host != leader).Select(node => StopAsync(run, node, inspected)));
        var last = run.EtcdNodes.Where(n => n.Host == leader).Select(node => StopAsync(run, node, inspected));
        foreach (var (node, error) in followers.Concat(await Task.WhenAll(last)))
        {
            if (error is not null)
            {
                failures[node] = error;
            }
        }

        return failures;
    }

    private static async Task<(EtcdNodeState Node, Exception? Error)> StopAsync(RestoreRun run, EtcdNodeState node, Action<EtcdNodeState, ContainerDetails?>? inspected)
    {
        try
        {
            var etcd = await node.Session.Docker.InspectContainerAsync(EtcdContainerSpec.ContainerName, CancellationToken.None);
            inspected?.Invoke(node, etcd);
            // "restarting" counts as running: docker would start it again by itself.
            if (etcd is { State.Running: true } || etcd?.State.Status == "restarting")
            {
                await node.Session.Docker.StopContainerAsync(etcd.Id, RestoreRun.StopTimeout, CancellationToken.None);
                run.Logger.Information("{Host}: stopped {Container}", node.Host, EtcdContainerSpec.ContainerName);
            }
            else
            {
                run.Logger.Information("{Host}: {Container} is not running ({State})", node.Host, EtcdContainerSpec.ContainerName, etcd?.State.Status ?? "missing");
            }

            return (node, null);
        }
        catch (DockerException e)
        {
            run.Logger.Error("{Host}: could not stop {Container}: {Error}", node.Host, EtcdContainerSpec.ContainerName, e.Message);
            return (node, e);
        }
    }
}
