using System.Diagnostics;
using ClusterCtl.Config;
using ClusterCtl.Etcd;
using ClusterCtl.Hosts;
using ClusterCtl.Logging;
using ClusterCtl.Pki;
using ClusterCtl.Restore;
using ClusterCtl.Storage;
using ClusterCtl.Verify;
using Serilog;

namespace ClusterCtl.Cluster;

/// <summary>
/// A restore of the whole etcd plane from a snapshot's name, all nine phases in the order the README lists them: plan
/// (on the caller's session: lock, CA), locate, preflight, distribute, then <see cref="EtcdRestorer"/> from the point
/// of no return to the report. The snapshot-restore command parses flags and renders what this returns; the tests call
/// it too, so that they run the path production runs.
/// </summary>
/// <remarks>
/// It lives above <c>Restore</c> and <c>Verify</c> (as rke's cluster layer sits above its services) because it uses
/// both: <c>--verify-first</c> runs a drill, and a drill runs a scratch restore.
/// </remarks>
internal sealed class SnapshotRestore(ClusterConfig config, ILogger logger)
{
    // Handed on as it came: the parts this class calls log under their own scope, or none.
    private readonly ILogger _logger = logger;
    private readonly ILogger _log = logger.ForScope("restore");

    /// <summary>
    /// Restores <paramref name="name"/> on every etcd node of the session, or, with <see cref="RestoreOptions.DryRun"/>,
    /// verifies the copy it would use and returns the plan, writing nothing. Throws <see cref="RestoreFailedException"/>
    /// (with the whole run's report) after the point of no return, and <see cref="ClusterCtlException"/> or a
    /// cancellation before it, with the cluster as it was and this run's scratch copies and certificates gone.
    /// </summary>
    public async Task<RestoreReport> RunAsync(
        ClusterSession session, S3SnapshotStore? s3, string name, RestoreOptions options, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(options);
        var phases = new List<PhaseReport>();
        var clock = Stopwatch.StartNew();

        // Phase 1, plan: every host is connected (kube components run on control-plane and worker nodes too).
        await options.EnterPhaseAsync(RestorePhase.Plan, _log, cancellationToken);
        RefuseUnreachableEtcdNodes(session);
        await using var clusterLock = options.DryRun ? null : await session.LockAsync(config, "etcd snapshot-restore", _logger, cancellationToken);
        // A restore runs a handful of shell steps per node; one shared container each saves a container start per step.
        await using var sharedHelpers = session.ShareHelperContainers();
        // Started while the CA and the snapshot are looked for; preflight is the first to use them. Not in a dry run,
        // which must pull nothing: its preflight runs its shell steps only where the image is already there.
        foreach (var node in session.Nodes.Where(n => n.Node.IsEtcd && !options.DryRun))
        {
            node.Helpers.PrepareShared(RestoreHelperSpecs.DataShell(config, "restore", ""));
        }

        // The CA's local sources are read now; a control-plane node's kube-ca files only if preflight finds a node without certificates.
        options = options with
        {
            CertificateAuthority = new CertificateAuthorityLocator(config, _logger).Source(session.Nodes, options.CaCertificateFile, options.CaKeyFile),
        };
        phases.Add(new PhaseReport(RestorePhase.Plan, session.ConnectDuration + clock.Elapsed, true, $"{session.Nodes.Count} hosts connected"));

        // Phase 2, locate.
        clock.Restart();
        await options.EnterPhaseAsync(RestorePhase.Locate, _log, cancellationToken);
        var copies = await new SnapshotLocator(config, _logger).FindAsync(session, s3, name, cancellationToken);
        phases.Add(new PhaseReport(RestorePhase.Locate, clock.Elapsed, true, $"{copies.Count} copies; using {copies[0]}"));
        await DrillFirstAsync(session, s3, name, copies, options, cancellationToken);
        var distributor = new SnapshotDistributor(config, _logger);
        var restorer = new EtcdRestorer(config, _logger);

        if (options.DryRun)
        {
            // Read and verify the copy that would be used, writing nothing anywhere.
            var verified = await distributor.DistributeAsync(name, copies, [], s3, long.MaxValue, progress, cancellationToken);
            var plan = await restorer.PreflightAsync(session, SourceOf(verified), options, cancellationToken);
            return WithPhases(EtcdRestorer.DryRunReport(plan), phases);
        }

        // Phase 3, preflight, before anything is written; the versions come from the best copy's manifest, the db's size
        // from its zip's central directory (a zip is a fraction of its db), and no node later receives more than that.
        var planned = await restorer.PreflightAsync(session, Estimate(name, copies[0]), options, cancellationToken);
        if (!planned.Ready)
        {
            return WithPhases(EtcdRestorer.DryRunReport(planned), phases);
        }

        var staging = session.Nodes.Where(n => n.Node.IsEtcd).Select(n => new RestoreStaging(n, config, session.RunId, _logger)).ToList();
        var certificates = new NewNodeCertificates(config, _logger);
        try
        {
            // New nodes get their certificates now: after preflight, before the point of no return, so a refusal can take them back.
            await certificates.WriteAsync(session, planned, options, cancellationToken);

            // Phase 4, distribute: the first copy that verifies, to every etcd node's scratch directory, in one pass.
            clock.Restart();
            await options.EnterPhaseAsync(RestorePhase.Distribute, _log, cancellationToken);
            var used = await distributor.DistributeAsync(name, copies, staging, s3, planned.Source.DbSizeBytes, progress, cancellationToken);
            phases.Add(new PhaseReport(RestorePhase.Distribute, clock.Elapsed, true, $"{RestoreLayout.SnapshotFileName} from {used.Copy} on {staging.Count} nodes"));
            var report = await restorer.ExecuteAsync(session, planned with { Source = SourceOf(used) }, options, cancellationToken);
            return WithPhases(report, phases);
        }
        catch (RestoreFailedException e)
        {
            throw new RestoreFailedException(WithPhases(e.Report, phases), e.InnerException);
        }
        catch (Exception e) when (e is ClusterCtlException or OperationCanceledException)
        {
            // Refused or interrupted before the point of no return: nothing changed but the scratch copies and the
            // certificates this run made for new nodes, and both go again.
            await Task.WhenAll(staging.Select(s => s.RemoveAsync()));
            await certificates.RemoveCreatedAsync();
            throw;
        }
    }

    /// <summary>Says whether a drill ever proved this snapshot, and with --verify-first proves it now, still before anything is written.</summary>
    private async Task DrillFirstAsync(
        ClusterSession session, S3SnapshotStore? s3, string name, IReadOnlyList<SnapshotCopy> copies, RestoreOptions options, CancellationToken cancellationToken)
    {
        if (copies.Max(c => c.VerifiedAt) is { } verifiedAt)
        {
            _log.Information("{Name} was last verified by a restore drill at {VerifiedAt:u}", name, verifiedAt.UtcDateTime);
        }
        else if (!options.VerifyFirst)
        {
            _log.Warning("{Name} was never verified by a restore drill; 'clusterctl etcd snapshot-verify' or --verify-first proves that it restores", name);
        }

        if (!options.VerifyFirst || options.DryRun)
        {
            return;
        }

        var drill = await new SnapshotDrill(config, _logger).RunAsync(session, s3, name, copies, null, cancellationToken);
        if (!drill.Verified)
        {
            throw new ClusterCtlException($"restore refused, nothing was changed: the restore drill of {name} failed: {drill.Failure ?? string.Join("; ", drill.Mismatches)}");
        }
    }

    private static void RefuseUnreachableEtcdNodes(ClusterSession session)
    {
        var etcd = session.Unreachable.Where(u => u.Key.IsEtcd).ToList();
        if (etcd.Count > 0)
        {
            // RKE drops such a host silently; restoring without it would give it a split brain when it returns.
            throw new ClusterCtlException(
                $"restore refused, nothing was changed: etcd node {string.Join(", ", etcd.Select(u => u.Key.Address))} is unreachable ({etcd[0].Value.Message}); " +
                "bring it back, or replace it in cluster.yml", ExitCodes.Failed, etcd[0].Value);
        }
    }

    /// <summary>The engine's report with this run's own phases (1, 2 and 4) added, so that it accounts for the whole run.</summary>
    private static RestoreReport WithPhases(RestoreReport report, List<PhaseReport> phases) =>
        report with { Phases = [.. phases.Concat(report.Phases).OrderBy(p => p.Phase)] };

    private static RestoreSource SourceOf(VerifiedSnapshot snapshot) =>
        new(snapshot.Name, snapshot.DbSha256, snapshot.Revision ?? 0, snapshot.EtcdVersion, snapshot.DbSize);

    private static RestoreSource Estimate(string name, SnapshotCopy copy) =>
        new(name, copy.Manifest?.DbSha256 ?? "", copy.Manifest?.Revision ?? 0, copy.Manifest?.EtcdVersion, copy.DbSize
            ?? throw new ClusterCtlException(
                $"restore refused, nothing was changed: the size of the db in {copy} cannot be told (its zip's central directory is unreadable), so the disks cannot be checked for it; " +
                "check the zip (unzip -l), or remove that copy so that another is used", ExitCodes.Failed));
}
