using ClusterCtl.Docker;
using ClusterCtl.Etcd;
using ClusterCtl.Services;

namespace ClusterCtl.Restore;

/// <summary>
/// Phase 7: start every node's etcd container again when it matches cluster.yml; otherwise keep the old one as
/// etcd-old-&lt;run&gt; and create one the way RKE builds it (a missing one is simply created). Then wait for a healthy
/// cluster whose members have the ids the restore wrote, at the snapshot's revision (plus the bump) or above, check
/// that every etcd runs on this run's restored member, and only then remove the kept containers.
/// Runs after the point of no return, so it takes no CancellationToken: Ctrl+C is held until the cluster is
/// restored or rolled back, and every wait has its own time limit instead.
/// </summary>
/// <remarks>
/// The old container is renamed rather than removed so that a rollback can start exactly the container that ran
/// before. It is removed once etcd is healthy because, with restart "always", a stopped etcd-old would be started
/// again by the next dockerd restart and fight the real etcd for the ports and the data dir.
/// </remarks>
internal static class StartEtcdPhase
{
    public static async Task RunAsync(RestoreRun run)
    {
        await Task.WhenAll(run.EtcdNodes.Select(node => StartAsync(run, node)));

        // Proof that etcd serves what the restore wrote, not a member it left in place: the ids the restore gave the
        // members, and a revision at least the snapshot's plus the bump when there was one.
        var healthy = await run.Health.WaitHealthyAsync(run.EtcdSessions, run.Plan.RevisionAtLeast, run.RestoredMemberIds, run.HealthTimeout, CancellationToken.None);
        run.FinalRevision = healthy.MinimumRevision;
        await Task.WhenAll(run.EtcdNodes.Select(node => RequireRestoredMemberAsync(run, node)));

        foreach (var node in run.EtcdNodes.Where(n => n.ContainerAction == EtcdContainerAction.Recreate))
        {
            var old = RestoreLayout.OldEtcdContainerName(run.RunId);
            try
            {
                await node.Session.Docker.RemoveContainerAsync(old, force: false, CancellationToken.None);
                run.Logger.Information("{Host}: removed the replaced container {Container}", node.Host, old);
            }
            catch (DockerException e)
            {
                run.Logger.Warning("{Host}: could not remove {Container}: {Error}; remove it with 'docker rm {Container}' or clusterctl etcd cleanup",
                    node.Host, old, e.Message, old);
            }
        }
    }

    /// <summary>
    /// The last proof, whatever the layout and the etcd version (3.4 bumps no revision, and a cluster RKE bootstrapped
    /// has the same member ids before and after): the running etcd container sees this run's marker in the member
    /// under its own --data-dir, so it serves what the restore wrote. Read through the archive endpoint, which
    /// follows the container's binds and needs nothing inside the image.
    /// </summary>
    private static async Task RequireRestoredMemberAsync(RestoreRun run, EtcdNodeState node)
    {
        var marker = $"{node.Spec.Flag("data-dir")?.TrimEnd('/')}/member/{RestoreLayout.RestoredMarkerName(run.RunId)}";
        try
        {
            await using var tar = await node.Session.Docker.GetArchiveAsync(EtcdContainerSpec.ContainerName, marker, CancellationToken.None);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new ClusterCtlException(
                $"etcd on {node.Host} is healthy but does not run on the restored member: its data dir has no {marker}; etcd serves data the restore did not write", ExitCodes.Failed, e);
        }
    }

    private static async Task StartAsync(RestoreRun run, EtcdNodeState node)
    {
        var docker = node.Session.Docker;
        var existing = await docker.InspectContainerAsync(EtcdContainerSpec.ContainerName, CancellationToken.None);
        if (existing is not null && node.Spec.Matches(existing))
        {
            node.ContainerAction = EtcdContainerAction.StartAsIs;
            await docker.StartContainerAsync(existing.Id, CancellationToken.None);
            run.Logger.Information("{Host}: started {Container} as it is", node.Host, EtcdContainerSpec.ContainerName);
            return;
        }

        await docker.EnsureImageAsync(node.Spec.Image, NodeHelperSpecs.RegistryAuthFor(run.Config, node.Spec.Image), CancellationToken.None);
        if (existing is not null)
        {
            node.ContainerAction = EtcdContainerAction.Recreate;
            var old = RestoreLayout.OldEtcdContainerName(run.RunId);
            run.Logger.Information("{Host}: {Container} differs from cluster.yml ({Differences}); keeping it as {OldContainer} and creating a new one",
                node.Host, EtcdContainerSpec.ContainerName, string.Join("; ", node.Spec.DifferencesFrom(existing)), old);
            await docker.RenameContainerAsync(existing.Id, old, CancellationToken.None);
        }
        else
        {
            node.ContainerAction = EtcdContainerAction.Create;
            run.Logger.Information("{Host}: no {Container} container; creating it from cluster.yml", node.Host, EtcdContainerSpec.ContainerName);
        }

        var id = await docker.CreateContainerAsync(EtcdContainerSpec.ContainerName, node.Spec.ToContainerSpec(), CancellationToken.None);
        await docker.StartContainerAsync(id, CancellationToken.None);
        run.Logger.Information("{Host}: started the new {Container}", node.Host, EtcdContainerSpec.ContainerName);
    }
}
