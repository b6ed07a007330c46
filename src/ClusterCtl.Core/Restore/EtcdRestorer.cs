using System.Diagnostics;
using ClusterCtl.Config;
using ClusterCtl.Etcd;
using ClusterCtl.Hosts;
using ClusterCtl.Logging;
using Serilog;

namespace ClusterCtl.Restore;

/// <summary>
/// The restore engine: phase 3 (preflight, the plan), then, with the snapshot db in place on every etcd node, phases
/// 5–9: the restore beside the live data, the point of no return (stop and swap), etcd started and healthy, the
/// components restarted, the report. A failure in phase 6 or 7 rolls back automatically. Ctrl+C is honoured up to
/// the point of no return and held after it.
/// </summary>
/// <remarks>
/// Cluster/SnapshotRestore runs it: <see cref="PreflightAsync"/>, then the snapshot to
/// <see cref="RestoreLayout.SnapshotInScratch"/> on every etcd node, then <see cref="ExecuteAsync"/>.
/// </remarks>
internal sealed class EtcdRestorer(ClusterConfig config, ILogger logger)
{
    // Handed on as it came: the parts this class calls log under their own scope, or none.
    private readonly ILogger _logger = logger;
    private readonly ILogger _log = logger.ForScope("restore");

    /// <summary>Phase 3 on every etcd node, writing nothing (and, in a dry run, pulling nothing). Never throws for what it finds: see <see cref="RestorePlan.Problems"/>.</summary>
    public async Task<RestorePlan> PreflightAsync(ClusterSession session, RestoreSource source, RestoreOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        EtcdDataLocation.RequireRestorable(config);
        await options.EnterPhaseAsync(RestorePhase.Preflight, _log, cancellationToken);

        return await new RestorePreflight(config, _logger).RunAsync(session, source, options, cancellationToken);
    }

    /// <summary>The report of a dry run: the plan, and exit code 1 when it has problems.</summary>
    public static RestoreReport DryRunReport(RestorePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new RestoreReport
        {
            Outcome = RestoreOutcome.DryRun,
            RunId = plan.RunId,
            Snapshot = plan.Source,
            EtcdNodes = plan.EtcdNodes.Select(n => n.Host).ToList(),
            Phases = [new PhaseReport(RestorePhase.Preflight, plan.PreflightDuration, plan.Ready, plan.Ready ? "ready" : plan.Problems[0])],
            Tool = plan.Tool,
            RevisionBumped = plan.BumpRevision,
            RevisionBefore = plan.RevisionBefore,
            Failure = plan.Ready ? null : plan.Problems[0],
            Warnings = plan.Warnings,
            NewNodes = plan.EtcdNodes.Where(n => n.IsNewNode).Select(n => n.Host).ToList(),
            StaleEtcdServers = plan.StaleEtcdServers,
            Plan = plan,
        };
    }

    /// <summary>
    /// Phases 5–9 for a plan whose preflight passed, with this run's snapshot db already at
    /// <see cref="RestoreLayout.SnapshotInScratch"/> on every etcd node. Returns the report of a successful restore;
    /// throws <see cref="RestoreFailedException"/> (exit 1 rolled back, 3 manual attention, with the report) when it
    /// fails after the point of no return, and <see cref="ClusterCtlException"/> or a cancellation, with the cluster
    /// untouched, before it.
    /// </summary>
    public async Task<RestoreReport> ExecuteAsync(ClusterSession session, RestorePlan plan, RestoreOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        if (!plan.Ready)
        {
            var more = plan.Problems.Count > 1 ? $" (and {plan.Problems.Count - 1} more problem{(plan.Problems.Count > 2 ? "s" : "")}; --dry-run lists them)" : "";
            throw new ClusterCtlException($"restore refused, nothing was changed: {plan.Problems[0]}{more}");
        }

        if (plan.RunId != session.RunId)
        {
            throw new InvalidOperationException($"the plan was made for run {plan.RunId}, not for this session's run {session.RunId}");
        }

        var run = new RestoreRun(config, session, plan, options, _logger);
        var phases = new List<PhaseReport> { new(RestorePhase.Preflight, plan.PreflightDuration, true, "ready") };

        await TimedAsync(phases, RestorePhase.Restore, run, () => RestoreDataPhase.RestoreIntoScratchAsync(run, cancellationToken), cancellationToken);

        cancellationToken.ThrowIfCancellationRequested();
        using var deferral = cancellationToken.Register(() =>
            _log.Warning("Ctrl+C received after the point of no return: held until the cluster is restored or rolled back"));

        var current = RestorePhase.Stop;
        try
        {
            await TimedAsync(phases, RestorePhase.Stop, run, () =>
            {
                // In the phase, so that it follows the line that starts phase 6.
                _log.Warning("POINT OF NO RETURN: stopping kube-apiserver on the control-plane nodes and etcd on {Nodes}; Ctrl+C is held until the cluster is restored or rolled back",
                    string.Join(", ", run.EtcdNodes.Select(n => n.Host)));
                return StopPhase.RunAsync(run);
            }, CancellationToken.None);
            current = RestorePhase.Swap;
            await TimedAsync(phases, RestorePhase.Swap, run, () => RestoreDataPhase.SwapAsync(run), CancellationToken.None);
            current = RestorePhase.StartEtcd;
            await TimedAsync(phases, RestorePhase.StartEtcd, run, () => StartEtcdPhase.RunAsync(run), CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw await RollBackAsync(run, phases, current, e);
        }

        var restartClock = Stopwatch.StartNew();
        await run.Options.EnterPhaseAsync(RestorePhase.RestartComponents, _log, CancellationToken.None);
        // The scratch dir goes while the components restart: neither needs the other.
        var tidy = RemoveScratchAsync(run);
        var componentFailures = await RestartComponentsPhase.RunAsync(run);
        phases.Add(new PhaseReport(RestorePhase.RestartComponents, restartClock.Elapsed, componentFailures.Count == 0,
            componentFailures.Count == 0 ? $"{run.Restarted.Count} containers (re)started" : $"{componentFailures.Count} containers did not come back"));

        await tidy;
        RestorePhases.LogStart(_log, RestorePhase.Report);
        var report = Report(run, phases, componentFailures.Count == 0 ? RestoreOutcome.Restored : RestoreOutcome.NeedsManualAttention) with
        {
            ManualSteps = componentFailures,
            Failure = componentFailures.Count == 0 ? null
                : $"etcd was restored, but {string.Join(", ", componentFailures.Select(f => f.Host).Distinct())} did not get every component running again; run the MANUAL STEP commands",
        };
        if (componentFailures.Count > 0)
        {
            LogManualSteps(componentFailures);
            throw new RestoreFailedException(report);
        }

        _log.Information("Restored {Snapshot} on {Count} etcd nodes in {Seconds:0.0} s; revision {Revision}",
            plan.Source.Name, run.EtcdNodes.Count, report.TotalSeconds, run.FinalRevision);
        return cancellationToken.IsCancellationRequested
            ? report with { Warnings = [.. report.Warnings, "Ctrl+C was held during the restore; it completed"] }
            : report;
    }

    private async Task<RestoreFailedException> RollBackAsync(RestoreRun run, List<PhaseReport> phases, RestorePhase failedPhase, Exception cause)
    {
        _log.Error("Phase {Phase} failed: {Error}", RestorePhases.Describe(failedPhase), cause.Message);
        var clock = Stopwatch.StartNew();
        RollbackResult rollback;
        try
        {
            await run.Options.EnterPhaseAsync(RestorePhase.Rollback, _log, CancellationToken.None);
            rollback = await RollbackPhase.RunAsync(run);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.Error("the rollback stopped: {Error}", e.Message);
            rollback = new RollbackResult([OneLine(e)], run.EtcdNodes.SelectMany(n => RollbackPhase.ManualSteps(run, n))
                .Concat(run.StoppedApiservers.Select(s => new ManualStep(s.Session.Host, $"docker start {KubeComponents.Apiserver}"))).ToList());
        }

        phases.Add(new PhaseReport(RestorePhase.Rollback, clock.Elapsed, rollback.Succeeded,
            rollback.Succeeded ? "data and containers put back; etcd and kube-apiserver started" : string.Join("; ", rollback.Problems)));
        RestorePhases.LogStart(_log, RestorePhase.Report);
        var failedHost = cause is Docker.HelperFailedException helper ? helper.Host : null;
        var causeText = OneLine(cause);
        if (rollback.Succeeded)
        {
            var report = Report(run, phases, RestoreOutcome.RolledBack) with
            {
                Failure = $"restore failed in phase {RestorePhases.Describe(failedPhase)} ({causeText}); rolled back: etcd runs on its previous data again",
                PreRestoreDirectory = null,
            };
            _log.Error("Rolled back{OnHost}: the cluster is as it was before the restore", failedHost is null ? "" : $" after the failure on {failedHost}");
            return new RestoreFailedException(report, cause);
        }

        LogManualSteps(rollback.ManualSteps);
        var failedReport = Report(run, phases, RestoreOutcome.NeedsManualAttention) with
        {
            Failure = $"restore failed in phase {RestorePhases.Describe(failedPhase)} ({causeText}) and {string.Join("; ", rollback.Problems)}: the cluster needs manual attention; run the MANUAL STEP commands",
            ManualSteps = rollback.ManualSteps,
        };
        return new RestoreFailedException(failedReport, cause);
    }

    /// <summary>Runs one phase and adds it to <paramref name="phases"/> with its duration, also when it fails.</summary>
    private async Task TimedAsync(List<PhaseReport> phases, RestorePhase phase, RestoreRun run, Func<Task> body, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await run.Options.EnterPhaseAsync(phase, _log, cancellationToken);
            await body();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            phases.Add(new PhaseReport(phase, clock.Elapsed, false, OneLine(e)));
            throw;
        }

        _log.Information("Phase {Phase} done in {Seconds:0.0} s", RestorePhases.Describe(phase), clock.Elapsed.TotalSeconds);
        phases.Add(new PhaseReport(phase, clock.Elapsed, true, Detail(run, phase)));
    }

    private async Task RemoveScratchAsync(RestoreRun run)
    {
        // The scratch dir now holds only this run's copy of the snapshot; the snapshot itself stays where it came from.
        await Task.WhenAll(run.EtcdNodes.Select(async node =>
        {
            try
            {
                var result = await node.Session.Helpers.RunAsync(RestoreHelperSpecs.DataShell(config, "restore-tidy", RestoreScripts.RemoveScratch(run.RunId)), CancellationToken.None);
                if (!result.Succeeded)
                {
                    _log.Warning("{Host}: could not remove {Directory}: {Error}; clusterctl etcd cleanup removes it", node.Host,
                        RestoreLayout.ScratchDirectory(config, run.RunId), result.LastErrorLine);
                }
            }
            catch (ClusterCtlException e)
            {
                _log.Warning("{Host}: could not remove {Directory}: {Error}; clusterctl etcd cleanup removes it", node.Host,
                    RestoreLayout.ScratchDirectory(config, run.RunId), e.Message);
            }
        }));
    }

    private RestoreReport Report(RestoreRun run, List<PhaseReport> phases, RestoreOutcome outcome) => new()
    {
        Outcome = outcome,
        RunId = run.RunId,
        Snapshot = run.Plan.Source,
        EtcdNodes = run.EtcdNodes.Select(n => n.Host).ToList(),
        Phases = phases.ToList(),
        Restarted = run.Restarted.OrderBy(r => r.Host, StringComparer.Ordinal).ThenBy(r => r.Container, StringComparer.Ordinal).ToList(),
        Tool = run.Plan.Tool,
        RevisionBumped = run.Plan.BumpRevision,
        RevisionBefore = run.Plan.RevisionBefore,
        FinalRevision = run.FinalRevision,
        PreRestoreDirectory = run.PreRestoreDirectory is null ? null : RestoreLayout.HostDataDirectory(config).TrimEnd('/') + "/" + run.PreRestoreDirectory,
        Warnings = run.Plan.Warnings,
        NewNodes = run.Plan.EtcdNodes.Where(n => n.IsNewNode).Select(n => n.Host).ToList(),
        StaleEtcdServers = run.Plan.StaleEtcdServers,
    };

    private void LogManualSteps(IEnumerable<ManualStep> steps)
    {
        foreach (var step in steps)
        {
            _log.Error("MANUAL STEP on {Host}: {Command}", step.Host, step.Command);
        }
    }

    private static string Detail(RestoreRun run, RestorePhase phase) => phase switch
    {
        RestorePhase.Stop => $"stopped kube-apiserver on {run.StoppedApiservers.Count} and etcd on {run.EtcdNodes.Count(n => n.OriginalWasRunning)} nodes",
        RestorePhase.Restore => $"{(run.Plan.Tool == RestoreTool.Etcdutl ? "etcdutl" : "etcdctl")} restore{(run.Plan.BumpRevision ? " with revision bump" : "")} into {RestoreLayout.ScratchDirectoryName(run.RunId)}/data",
        RestorePhase.Swap => $"restored members in place; previous members in {run.PreRestoreDirectory}",
        RestorePhase.StartEtcd => "healthy: " + string.Join(", ", run.EtcdNodes.Select(n => $"{n.Host} {Describe(n.ContainerAction)}")) + $"; revision {run.FinalRevision}",
        _ => "",
    };

    private static string Describe(EtcdContainerAction? action) => action switch
    {
        EtcdContainerAction.StartAsIs => "started as is",
        EtcdContainerAction.Recreate => "recreated",
        EtcdContainerAction.Create => "created",
        _ => "untouched",
    };

    private static string OneLine(Exception e) =>
        e is ClusterCtlException ? e.Message.Split('\n')[0] : $"{e.Message.Split('\n')[0]} ({e.GetType().Name})";

}
