using ClusterCtl.Docker;

namespace ClusterCtl.Restore;

/// <summary>
/// Phase 6 in two steps. <see cref="RestoreIntoScratchAsync"/>: the one-shot etcd-restore helper on every etcd node in
/// parallel, into the scratch directory, before the point of no return (it writes nothing live, and the tool's hash
/// check refuses a bad copy while etcd still serves). <see cref="SwapAsync"/>: after etcd stopped, and only when every
/// node restored, the swap of member directories on every node; it takes no CancellationToken, since Ctrl+C is held
/// until the cluster is restored or rolled back.
/// </summary>
internal static class RestoreDataPhase
{
    public static async Task RestoreIntoScratchAsync(RestoreRun run, CancellationToken cancellationToken)
    {
        var plan = run.Plan;
        await Task.WhenAll(run.EtcdNodes.Select(async node =>
        {
            await EnsureRoomForRestoredDataAsync(run, node, cancellationToken);
            var spec = RestoreHelperSpecs.SnapshotRestore(run.Config, node.Spec, run.RunId, plan.Tool, plan.BumpRevision);
            run.Logger.Information("{Host}: {Tool} snapshot restore into {Directory}/data as {Member}",
                node.Host, plan.Tool == RestoreTool.Etcdutl ? "etcdutl" : "etcdctl", RestoreLayout.ScratchDirectory(run.Config, run.RunId), node.Spec.MemberName);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(run.Options.RestoreHelperTimeout);
            HelperResult result;
            try
            {
                result = await node.Session.Helpers.RunAsync(spec, timeout.Token);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ClusterCtlException(
                    $"restore refused, nothing was changed: snapshot restore on {node.Host} did not finish within {run.Options.RestoreHelperTimeout.TotalMinutes:0} min; look at the disk of {RestoreLayout.HostDataDirectory(run.Config)} there", ExitCodes.Failed, e);
            }

            if (!result.Succeeded)
            {
                throw new ClusterCtlException(
                    $"restore refused, nothing was changed: snapshot restore on {node.Host} failed ({result.LastErrorLine ?? "exit code " + result.ExitCode}); etcd still runs on its current data",
                    ExitCodes.Failed);
            }
        }));
    }

    /// <summary>
    /// The disk is checked again right before the restore tool writes the restored member next to the live one: the
    /// snapshot copy took its share since the preflight, and anything else on that filesystem may have grown.
    /// </summary>
    private static async Task EnsureRoomForRestoredDataAsync(RestoreRun run, EtcdNodeState node, CancellationToken cancellationToken)
    {
        var df = await node.Session.Helpers.RunAsync(RestoreHelperSpecs.DataShell(run.Config, "restore-disk", RestoreScripts.FreeSpace()), cancellationToken);
        var free = df.Succeeded ? Storage.FreeSpace.ParseDfOutput(df.Stdout) : null;
        var needed = run.Plan.Source.DbSizeBytes + RestorePreflight.DiskMarginBytes;
        if (free is not { } bytes || bytes < needed)
        {
            throw new ClusterCtlException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"restore refused, nothing was changed: {node.Host} has {(free is { } f ? $"{f / (1024 * 1024)} MiB" : "an unknown amount of space")} free in {RestoreLayout.HostDataDirectory(run.Config)}, " +
                $"the restored data needs {needed / (1024 * 1024)} MiB; free space there (clusterctl etcd cleanup removes old pre-restore directories)"), ExitCodes.Failed);
        }
    }

    public static async Task SwapAsync(RestoreRun run)
    {
        run.PreRestoreDirectory = RestoreLayout.PreRestoreDirectoryName(DateTimeOffset.UtcNow);
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
            run.Logger.Information("{Host}: restored member moved in{Kept}", node.Host,
                node.OriginalMoved ? $"; the previous one is in {RestoreLayout.HostDataDirectory(run.Config)}/{run.PreRestoreDirectory}/member" : " (there was no previous one)");
        }));
    }
}
