using ClusterCtl.Etcd;

namespace ClusterCtl.Restore;

/// <summary>
/// Phase 5, the point of no return: stop kube-apiserver on the control-plane nodes (so nothing writes to etcd or
/// serves from it), then etcd on every etcd node. Records what it stopped, for the rollback.
/// </summary>
internal static class StopPhase
{
    public static async Task RunAsync(RestoreRun run)
    {
        var controlPlane = run.Session.Nodes.Where(n => n.Node.IsControlPlane).ToList();
        await Task.WhenAll(controlPlane.Select(async node =>
        {
            var apiserver = await node.Docker.InspectContainerAsync(KubeComponents.Apiserver, CancellationToken.None);
            if (apiserver is { State.Running: true })
            {
                // Recorded first: a stop that fails half-way still leaves something to start again.
                run.StoppedApiservers.Enqueue(new ApiserverStop(node, apiserver.Id));
                await node.Docker.StopContainerAsync(apiserver.Id, RestoreRun.StopTimeout, CancellationToken.None);
                run.Logger.Information("[restore] {Host}: stopped {Container}", node.Host, KubeComponents.Apiserver);
            }
        }));

        // The leader goes last. A leader that is told to stop hands its leadership to a connected follower first and
        // waits for the handover; if that follower is stopping too, the handover never completes and the stop takes
        // some 15 s (seen with etcd 3.4). Once the followers are gone it has no one to hand over to and stops at once.
        var leader = await FindLeaderAsync(run);
        await Task.WhenAll(run.EtcdNodes.Where(n => n.Host != leader).Select(node => StopEtcdAsync(run, node)));
        if (run.EtcdNodes.FirstOrDefault(n => n.Host == leader) is { } last)
        {
            await StopEtcdAsync(run, last);
        }
    }

    private static async Task<string?> FindLeaderAsync(RestoreRun run)
    {
        var observation = await run.Health.ObserveAsync(run.EtcdSessions, CancellationToken.None);
        return observation.Members.FirstOrDefault(m => m.Status?.IsLeader ?? false)?.Host;
    }

    private static async Task StopEtcdAsync(RestoreRun run, EtcdNodeState node)
    {
        var etcd = await node.Session.Docker.InspectContainerAsync(EtcdContainerSpec.ContainerName, CancellationToken.None);
        node.OriginalContainerId = etcd?.Id;
        node.OriginalWasRunning = etcd?.State.Running ?? false;
        if (etcd is { State.Running: true })
        {
            await node.Session.Docker.StopContainerAsync(etcd.Id, RestoreRun.StopTimeout, CancellationToken.None);
            run.Logger.Information("[restore] {Host}: stopped {Container}", node.Host, EtcdContainerSpec.ContainerName);
        }
        else
        {
            run.Logger.Information("[restore] {Host}: {Container} was not running ({State})", node.Host, EtcdContainerSpec.ContainerName, etcd?.State.Status ?? "missing");
        }
    }
}
