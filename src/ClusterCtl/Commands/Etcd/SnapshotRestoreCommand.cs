using RangeAttribute = System.ComponentModel.DataAnnotations.RangeAttribute;
using RequiredAttribute = System.ComponentModel.DataAnnotations.RequiredAttribute;
using ClusterCtl.Config;
using ClusterCtl.Hosts;
using ClusterCtl.Restore;
using ClusterCtl.Storage;
using McMaster.Extensions.CommandLineUtils;

namespace ClusterCtl.Cli.Commands.Etcd;

[Command("snapshot-restore", Description = "Restore the whole etcd plane from one snapshot, then restart the kube components, flannel and calico.")]
internal sealed class SnapshotRestoreCommand : SnapshotCommandBase
{
    [Option("--name <NAME>", "The snapshot to restore (see snapshot-list).", CommandOptionType.SingleValue)]
    [Required]
    public string Name { get; set; } = "";

    [Option("--dry-run", "Verify the snapshot, run every preflight check and print the plan; change nothing.", CommandOptionType.NoValue)]
    public bool DryRun { get; set; }

    [Option("--health-timeout <SECONDS>", "How long etcd may take to become healthy (default backup_config.timeout, else 300).", CommandOptionType.SingleValue)]
    [Range(1, 86400)]
    public int? HealthTimeoutSeconds { get; set; }

    [Option("--output <FORMAT>", "table or json.", CommandOptionType.SingleValue)]
    [AllowedValues("table", "json", IgnoreCase = true)]
    public string Output { get; set; } = "table";

    [Option("--ca-cert <FILE>", "The cluster CA certificate (kube-ca.pem) that signs new nodes' etcd certificates, when cluster.rkestate is not beside the config.", CommandOptionType.SingleValue)]
    public string? CaCertificateFile { get; set; }

    [Option("--ca-key <FILE>", "The cluster CA's private key (kube-ca-key.pem), with --ca-cert.", CommandOptionType.SingleValue)]
    public string? CaKeyFile { get; set; }

    [Option("--verify-first", "Run a restore drill of the snapshot (as snapshot-verify does) before the point of no return, and restore only if it verifies.", CommandOptionType.NoValue)]
    public bool VerifyFirst { get; set; }

    [Option("--regenerate-certs", "Replace new nodes' existing etcd certificates and keys instead of keeping them.", CommandOptionType.NoValue)]
    public bool RegenerateCertificates { get; set; }

    protected override async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var name = SnapshotName.Validate(Name);
        var config = LoadConfig();
        // Before any host is contacted: a data-dir or wal-dir the restore cannot follow is refused, naming the key.
        ClusterCtl.Etcd.EtcdDataLocation.RequireRestorable(config);
        using var s3 = OpenS3(config);
        var format = string.Equals(Output, "json", StringComparison.OrdinalIgnoreCase) ? OutputFormat.Json : OutputFormat.Table;
        RestoreOptions options = new()
        {
            DryRun = DryRun,
            HealthTimeout = HealthTimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : null,
        };

        // Phase 1, plan: every host, because kube components run on control-plane and worker nodes too.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var session = await ClusterSession.OpenAsync(config, config.Nodes, SessionOptions, Log, cancellationToken);
        RefuseUnreachableEtcdNodes(session);
        await using var clusterLock = DryRun ? null : await session.LockAsync(config, "etcd snapshot-restore", Log, cancellationToken);
        // A restore runs a handful of shell steps per node; one shared container each saves a container start per step.
        await using var sharedHelpers = session.ShareHelperContainers();
        // Started while the CA and the snapshot are looked for; preflight is the first to use them. Not in a dry run,
        // which must pull nothing: its preflight runs its shell steps only where the image is already there.
        foreach (var node in session.Nodes.Where(n => n.Node.IsEtcd && !DryRun))
        {
            node.Helpers.PrepareShared(RestoreHelperSpecs.DataShell(config, "restore", ""));
        }

        // The CA's local sources are read now; a control-plane node's kube-ca files only if preflight finds a node without certificates.
        options = options with
        {
            CertificateAuthority = new Pki.CertificateAuthorityLocator(config, Log).Source(session.Nodes, CaCertificateFile, CaKeyFile),
            RegenerateCertificates = RegenerateCertificates,
        };

        CommandPhase(RestorePhase.Plan, clock, $"{session.Nodes.Count} hosts connected");

        // Phase 2, locate.
        var copies = await new SnapshotLocator(config, Log).FindAsync(session, s3, name, cancellationToken);
        CommandPhase(RestorePhase.Locate, clock, $"{copies.Count} copies; using {copies[0]}");
        await DrillFirstAsync(config, session, s3, name, copies, cancellationToken);
        var distributor = new SnapshotDistributor(config, Log);
        using var progress = new TransferProgressReporter(Log, Globals.Quiet);
        var restorer = new EtcdRestorer(config, Log);

        if (DryRun)
        {
            // Read and verify the copy that would be used, writing nothing anywhere.
            var verified = await distributor.DistributeAsync(name, copies, [], s3, long.MaxValue, progress, cancellationToken);
            var plan = await restorer.PreflightAsync(session, SourceOf(verified), options, cancellationToken);
            return Finish(EtcdRestorer.DryRunReport(plan), format);
        }

        // Phase 3, preflight, before anything is written; the versions come from the best copy's manifest, the db's size
        // from its zip's central directory (a zip is a fraction of its db), and no node later receives more than that.
        var planned = await restorer.PreflightAsync(session, Estimate(name, copies[0]), options, cancellationToken);
        if (!planned.Ready)
        {
            return Finish(EtcdRestorer.DryRunReport(planned), format);
        }

        var staging = session.Nodes.Where(n => n.Node.IsEtcd).Select(n => new RestoreStaging(n, config, session.RunId)).ToList();
        var certificates = new NewNodeCertificates(config, Log);
        try
        {
            // New nodes get their certificates now: after preflight, before the point of no return, so a refusal can take them back.
            await certificates.WriteAsync(session, planned, options, cancellationToken);

            // Phase 4, distribute: the first copy that verifies, to every etcd node's scratch directory, in one pass.
            clock.Restart();
            var used = await distributor.DistributeAsync(name, copies, staging, s3, planned.Source.DbSizeBytes, progress, cancellationToken);
            CommandPhase(RestorePhase.Distribute, clock, $"{RestoreLayout.SnapshotFileName} from {used.Copy} on {staging.Count} nodes");
            progress.Dispose();
            var report = await restorer.ExecuteAsync(session, planned with { Source = SourceOf(used), SnapshotVerifiedInPlace = true }, options, cancellationToken);
            return Finish(report, format);
        }
        catch (RestoreFailedException e)
        {
            Finish(e.Report, format);
            throw;
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
    private async Task DrillFirstAsync(ClusterConfig config, ClusterSession session, S3SnapshotStore? s3, string name, IReadOnlyList<SnapshotCopy> copies, CancellationToken cancellationToken)
    {
        if (copies.Max(c => c.VerifiedAt) is { } verifiedAt)
        {
            Log.Information("[restore] {Name} was last verified by a restore drill at {VerifiedAt:u}", name, verifiedAt.UtcDateTime);
        }
        else if (!VerifyFirst)
        {
            Log.Warning("[restore] {Name} was never verified by a restore drill; 'clusterctl etcd snapshot-verify' or --verify-first proves that it restores", name);
        }

        if (!VerifyFirst || DryRun)
        {
            return;
        }

        var drill = await new Verify.SnapshotDrill(config, Log).RunAsync(session, s3, name, copies, null, cancellationToken);
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

    private static RestoreSource SourceOf(VerifiedSnapshot snapshot) =>
        new(snapshot.Name, snapshot.DbSha256, snapshot.Revision ?? 0, snapshot.EtcdVersion, snapshot.DbSize);

    private static RestoreSource Estimate(string name, SnapshotCopy copy) =>
        new(name, copy.Manifest?.DbSha256 ?? "", copy.Manifest?.Revision ?? 0, copy.Manifest?.EtcdVersion, copy.DbSize
            ?? throw new ClusterCtlException(
                $"restore refused, nothing was changed: the size of the db in {copy} cannot be told (its zip's central directory is unreadable), so the disks cannot be checked for it; " +
                "check the zip (unzip -l), or remove that copy so that another is used", ExitCodes.Failed));

    // The phases this command runs around the engine's (1 plan, 2 locate, 4 distribute), so that the report accounts for the whole run.
    private readonly List<PhaseReport> _commandPhases = [];

    private void CommandPhase(RestorePhase phase, System.Diagnostics.Stopwatch clock, string detail)
    {
        _commandPhases.Add(new PhaseReport(phase, clock.Elapsed, true, detail));
        clock.Restart();
    }

    private int Finish(RestoreReport report, OutputFormat format)
    {
        report = report with { Phases = [.. _commandPhases.Concat(report.Phases).OrderBy(p => p.Phase)] };
        RestoreViews.Write(report, format);
        if (report.Outcome == RestoreOutcome.DryRun && report.Plan is { Ready: false } plan)
        {
            foreach (var problem in plan.Problems)
            {
                Log.Error("[restore] {Problem}", problem);
            }
        }

        return report.ExitCode;
    }
}
