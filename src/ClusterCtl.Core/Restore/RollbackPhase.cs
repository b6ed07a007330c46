using ClusterCtl.Docker;
using ClusterCtl.Etcd;

namespace ClusterCtl.Restore;

/// <summary>
/// Puts the cluster back after a failure in phase 6 or 7, undoing on each etcd node exactly what was done there: stop
/// the etcd that runs now, put the original container back under its name, move a restored member aside to
/// failed-restore-&lt;run&gt; and the original back from pre-restore-&lt;time&gt;, start the original etcd (when it ran before),
/// wait for the health the cluster had before, and start the kube-apiservers that were stopped. Nothing is deleted.
/// What it cannot do is returned as the exact manual steps.
/// Runs after the point of no return, so it takes no CancellationToken: Ctrl+C is held until the cluster is
/// restored or rolled back, and every wait has its own time limit instead.
/// </summary>
internal static class RollbackPhase
{
    public static async Task<RollbackResult> RunAsync(RestoreRun run)
    {
        run.Logger.Warning("Rolling back on {Count} etcd nodes", run.EtcdNodes.Count);

        // Every etcd that runs now is stopped before any original one starts: the restored members have the same
        // member and cluster ids as the originals (same peer URLs and token), so a restored member still running
        // would take an original one for its peer and mix two histories.
        // When the point of no return failed before it reached etcd, etcd was never touched and is left running.
        var etcdTouched = run.EtcdNodes.Any(n => n.OriginalRecorded);
        var notStopped = etcdTouched
            ? await EtcdStopper.StopAllAsync(run, await run.Health.FindLeaderAsync(run.EtcdSessions, CancellationToken.None), (node, etcd) => node.RecordOriginal(etcd))
            : new Dictionary<EtcdNodeState, Exception>();
        // Starting the originals is only dangerous while a restored member may still run somewhere.
        var restoredAnywhere = run.EtcdNodes.Any(n => n.Swap != SwapProgress.NotStarted);
        var startEtcd = notStopped.Count == 0 || !restoredAnywhere;
        var perNode = await Task.WhenAll(run.EtcdNodes.Select(node => RollBackNodeAsync(run, node, startEtcd, notStopped.GetValueOrDefault(node))));
        var steps = perNode.SelectMany(s => s).ToList();
        var problems = new List<string>();
        if (notStopped.Count > 0 && !startEtcd)
        {
            run.Logger.Error("etcd could not be stopped on {Hosts}; no original etcd is started until it is", string.Join(", ", notStopped.Keys.Select(n => n.Host)));
        }

        if (steps.Count > 0)
        {
            problems.Add("the rollback failed on " + string.Join(", ", steps.Select(s => s.Host).Distinct()));
        }
        else if (run.Plan.ClusterHealthyBefore)
        {
            try
            {
                await run.Health.WaitHealthyAsync(run.EtcdSessions, 0, memberIds: null, run.HealthTimeout, CancellationToken.None);
            }
            catch (ClusterCtlException e)
            {
                problems.Add("after the rollback, " + e.Message);
                steps.AddRange(run.EtcdNodes.Select(n => new ManualStep(n.Host, "docker logs --tail 50 etcd   # find why the member does not become healthy")));
            }
        }
        else
        {
            run.Logger.Warning("etcd was not healthy before the restore ({Health}); not waiting for health after the rollback", run.Plan.HealthBefore);
        }

        foreach (var stop in run.StoppedApiservers)
        {
            try
            {
                await stop.Session.Docker.StartContainerAsync(stop.ContainerId, CancellationToken.None);
                run.Logger.Information("{Host}: started {Container} again", stop.Session.Host, KubeComponents.Apiserver);
            }
            catch (DockerException e)
            {
                problems.Add($"kube-apiserver on {stop.Session.Host} did not start: {e.Message}");
                steps.Add(new ManualStep(stop.Session.Host, $"docker start {KubeComponents.Apiserver}"));
            }
        }

        return new RollbackResult(problems, steps);
    }

    /// <summary>The commands that undo, on one node, what the restore did there, from the first step that may not have happened.</summary>
    public static IReadOnlyList<ManualStep> ManualSteps(RestoreRun run, EtcdNodeState node)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(node);
        var host = node.Host;
        var data = RestoreLayout.HostDataDirectory(run.Config);
        var failed = RestoreLayout.FailedRestoreDirectoryName(run.RunId);
        var steps = new List<ManualStep> { new(host, "docker stop etcd") };
        switch (node.ContainerAction)
        {
            case EtcdContainerAction.Recreate:
                steps.Add(new(host, $"docker rm etcd; docker rename {RestoreLayout.OldEtcdContainerName(run.RunId)} etcd"));
                break;
            case EtcdContainerAction.Create:
                steps.Add(new(host, "docker rm etcd"));
                break;
        }

        if (node.Swap != SwapProgress.NotStarted)
        {
            var moveAside = $"mkdir -p {failed} && mv member {failed}/member";
            steps.Add(node.HadMember
                ? new(host, $"cd {data} && {moveAside} && mv {run.PreRestoreDirectory}/member member   # if {run.PreRestoreDirectory}/member exists")
                : new(host, $"cd {data} && {moveAside}"));
        }

        if (node.OriginalWasRunning)
        {
            steps.Add(new(host, "docker start etcd"));
        }

        return steps;
    }

    private static async Task<IReadOnlyList<ManualStep>> RollBackNodeAsync(RestoreRun run, EtcdNodeState node, bool startEtcd, Exception? stopFailure)
    {
        var docker = node.Session.Docker;
        if (stopFailure is not null)
        {
            // Nothing of this node was changed but the stop: its own etcd only needs to run. Otherwise the etcd that
            // runs there (restored or not) must be stopped by hand before anything else.
            return node.Swap == SwapProgress.NotStarted && node.ContainerAction is null
                ? [new ManualStep(node.Host, "docker start etcd   # if it is not running")]
                : ManualSteps(run, node);
        }

        try
        {
            var current = await docker.InspectContainerAsync(EtcdContainerSpec.ContainerName, CancellationToken.None);

            if (node.ContainerAction is EtcdContainerAction.Recreate or EtcdContainerAction.Create)
            {
                if (current is not null && current.Id != node.OriginalContainerId)
                {
                    await docker.RemoveContainerAsync(current.Id, force: true, CancellationToken.None);
                    run.Logger.Information("{Host}: removed the etcd container the restore created", node.Host);
                }

                if (node.OriginalContainerId is { } original && (current is null || current.Id != original))
                {
                    await docker.RenameContainerAsync(original, EtcdContainerSpec.ContainerName, CancellationToken.None);
                    run.Logger.Information("{Host}: the original container is etcd again", node.Host);
                }

                node.ContainerAction = null;
            }

            if (node.Swap != SwapProgress.NotStarted)
            {
                var script = RestoreScripts.RollBack(run.RunId, run.PreRestoreDirectory!, node.HadMember,
                    originalMustBeBacked: node.Swap == SwapProgress.Completed && node.OriginalMoved);
                var result = await node.Session.Helpers.RunAsync(RestoreHelperSpecs.DataShell(run.Config, "restore-rollback", script), CancellationToken.None);
                if (!result.Succeeded)
                {
                    throw new HelperFailedException(node.Host, result.ContainerName, result.ExitCode, result.Stderr);
                }

                run.Logger.Information("{Host}: data directory put back ({Moves})", node.Host,
                    string.Join(", ", result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
                node.Swap = SwapProgress.NotStarted;
            }

            if (node.OriginalWasRunning && node.OriginalContainerId is { } id)
            {
                if (!startEtcd)
                {
                    return [new ManualStep(node.Host, "docker start etcd   # once etcd is stopped on every etcd node and their data is back")];
                }

                await docker.StartContainerAsync(id, CancellationToken.None);
                run.Logger.Information("{Host}: started the original etcd", node.Host);
            }

            return [];
        }
        catch (Exception e) when (e is ClusterCtlException or OperationCanceledException or IOException)
        {
            run.Logger.Error("{Host}: rollback failed: {Error}", node.Host, e.Message);
            return ManualSteps(run, node);
        }
    }
}
