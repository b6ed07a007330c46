using ClusterCtl.Etcd;

namespace ClusterCtl.Restore;

/// <summary>
/// Phase 5, the point of no return: stop kube-apiserver on the control-plane nodes (so nothing writes to etcd or
/// serves from it), then etcd on every etcd node. Records what it stopped, for the rollback.
/// Runs after the point of no return, so it takes no CancellationToken: Ctrl+C is held until the cluster is
/// restored or rolled back, and every wait has its own time limit instead.
/// </summary>
internal static class StopPhase
{
    public static async Task RunAsync(RestoreRun run)
    {
        // The leader is looked up while kube-apiserver stops: one question fewer between the two stops.
        var leader = run.Health.FindLeaderAsync(run.EtcdSessions, CancellationToken.None);
        var controlPlane = run.Session.Nodes.Where(n => n.Node.IsControlPlane).ToList();
        await Task.WhenAll(controlPlane.Select(async node =>
        {
            var apiserver = await node.Docker.InspectContainerAsync(KubeComponents.Apiserver, CancellationToken.None);
            if (apiserver is { State.Running: true })
            {
                // Recorded first: a stop that fails half-way still leaves something to start again.
                run.StoppedApiservers.Enqueue(new ApiserverStop(node, apiserver.Id));
                await node.Docker.StopContainerAsync(apiserver.Id, RestoreRun.StopTimeout, CancellationToken.None);
                run.Logger.Information("{Host}: stopped {Container}", node.Host, KubeComponents.Apiserver);
            }
        }));

        var failures = await EtcdStopper.StopAllAsync(run, await leader, (node, etcd) => node.RecordOriginal(etcd));
        if (failures.Count > 0)
        {
            var (node, error) = failures.First();
            throw new ClusterCtlException($"could not stop etcd on {node.Host}: {error.Message}", ExitCodes.Failed, error);
        }
    }
}
