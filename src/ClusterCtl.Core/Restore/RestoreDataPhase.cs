using ClusterCtl.Docker;

namespace ClusterCtl.Restore;

/// <summary>
/// Phase 6: the one-shot etcd-restore helper on every etcd node in parallel, then, only when every node restored,
/// the swap of member directories on every node. A restore failing anywhere therefore leaves every data dir as it was.
/// Runs after the point of no return, so it takes no CancellationToken: Ctrl+C is held until the cluster is
/// restored or rolled back, and every wait has its own time limit instead.
/// </summary>
internal static class RestoreDataPhase
{
    public static async Task RunAsync(RestoreRun run)
    {
        var plan = run.Plan;
        run.PreRestoreDirectory = RestoreLayout.PreRestoreDirectoryName(DateTimeOffset.UtcNow);

        await Task.WhenAll(run.EtcdNodes.Select(async node =>
        {
            var spec = RestoreHelperSpecs.SnapshotRestore(run.Config, node.Spec, run.RunId, plan.Tool, plan.BumpRevision);
            run.Logger.Information("[restore] {Host}: {Tool} snapshot restore into {Directory}/data as {Member}",
                node.Host, plan.Tool == RestoreTool.Etcdutl ? "etcdutl" : "etcdctl", RestoreLayout.ScratchDirectory(run.Config, run.RunId), node.Spec.MemberName);
            using var timeout = new CancellationTokenSource(run.Options.RestoreHelperTimeout);
            try
            {
                await node.Session.Helpers.RunAndRequireSuccessAsync(spec, timeout.Token);
            }
            catch (OperationCanceledException e)
            {
                throw new ClusterCtlException(
                    $"snapshot restore on {node.Host} did not finish within {run.Options.RestoreHelperTimeout.TotalMinutes:0} min; look at the disk of {run.Config.EtcdDataDirectory} there", ExitCodes.Failed, e);
            }
        }));

        await Task.WhenAll(run.EtcdNodes.Select(async node =>
        {
            node.Swap = SwapProgress.Attempted;
            var result = await node.Session.Helpers.RunAsync(
                RestoreHelperSpecs.DataShell(run.Config, "restore-swap", RestoreScripts.Swap(run.RunId, run.PreRestoreDirectory)), CancellationToken.None);
            node.OriginalMoved = result.Stdout.Contains(RestoreScripts.MovedOriginalMarker, StringComparison.Ordinal);
            if (!result.Succeeded || !result.Stdout.Contains(RestoreScripts.MovedRestoredMarker, StringComparison.Ordinal))
            {
                throw new HelperFailedException(node.Host, result.ContainerName, result.ExitCode, result.Stderr);
            }

            node.Swap = SwapProgress.Completed;
            run.Logger.Information("[restore] {Host}: restored member moved in{Kept}", node.Host,
                node.OriginalMoved ? $"; the previous one is in {run.Config.EtcdDataDirectory}/{run.PreRestoreDirectory}/member" : " (there was no previous one)");
        }));
    }
}
