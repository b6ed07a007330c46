using ClusterCtl.Logging;
using ClusterCtl.Cluster;
using ClusterCtl.Hosts;
using ClusterCtl.Restore;
using ClusterCtl.Storage;
using McMaster.Extensions.CommandLineUtils;

namespace ClusterCtl.Cli.Commands.Etcd;

internal sealed class SnapshotRestoreCommand() : SnapshotCommandBase(
    "snapshot-restore", "Restore the whole etcd plane from one snapshot, then restart the kube components, flannel and calico.")
{
    private CommandOption _name = null!;
    private CommandOption _dryRun = null!;
    private CommandOption _healthTimeoutSeconds = null!;
    private CommandOption _output = null!;
    private CommandOption _verbose = null!;
    private CommandOption _caCertificateFile = null!;
    private CommandOption _caKeyFile = null!;
    private CommandOption _verifyFirst = null!;
    private CommandOption _regenerateCertificates = null!;

    protected override void DeclareOptions(CommandLineApplication command)
    {
        _name = command.Option("--name <SNAPSHOT>", "The snapshot to restore (see snapshot-list).", CommandOptionType.SingleValue).Required();
        _dryRun = command.Option("--dry-run", "Verify the snapshot, run every preflight check and print the plan; change nothing.", CommandOptionType.NoValue);
        _healthTimeoutSeconds = command.Option("--health-timeout <SECONDS>", "How long etcd may take to become healthy (default backup_config.timeout, else 300).", CommandOptionType.SingleValue)
            .Range(1, 86400);
        _output = OutputOption.Declare(command);
        _verbose = command.Option("--verbose", "List every restarted container in the report, not only the count per node (JSON always lists them).", CommandOptionType.NoValue);
        _caCertificateFile = command.Option("--ca-cert <FILE>", "The cluster CA certificate (kube-ca.pem) that signs new nodes' etcd certificates, when cluster.rkestate is not beside the config.", CommandOptionType.SingleValue);
        _caKeyFile = command.Option("--ca-key <FILE>", "The cluster CA's private key (kube-ca-key.pem), with --ca-cert.", CommandOptionType.SingleValue);
        _verifyFirst = command.Option("--verify-first", "Run a restore drill of the snapshot (as snapshot-verify does) before the point of no return, and restore only if it verifies.", CommandOptionType.NoValue);
        _regenerateCertificates = command.Option("--regenerate-certs", "Replace new nodes' existing etcd certificates and keys instead of keeping them.", CommandOptionType.NoValue);
        base.DeclareOptions(command);
    }

    protected override async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var name = SnapshotName.Validate(_name.Value()!);
        var config = LoadConfig();
        // Before any host is contacted: a data-dir or wal-dir the restore cannot follow is refused, naming the key.
        ClusterCtl.Etcd.EtcdDataLocation.RequireRestorable(config);
        using var s3 = OpenS3(config);
        var format = _output.Format();
        RestoreOptions options = new()
        {
            DryRun = _dryRun.HasValue(),
            HealthTimeout = _healthTimeoutSeconds.IntValue() is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            CaCertificateFile = _caCertificateFile.Value(),
            CaKeyFile = _caKeyFile.Value(),
            RegenerateCertificates = _regenerateCertificates.HasValue(),
            VerifyFirst = _verifyFirst.HasValue(),
        };

        await using var session = await ClusterSession.OpenAsync(config, config.Nodes, SessionOptions, Log, cancellationToken);
        RestoreReport report;
        try
        {
            // Ended before the report is written, on success or failure: a live display would be drawn over it.
            await using var progress = TransferProgressDisplay.For(Globals.Quiet, Log);
            report = await new SnapshotRestore(config, Log).RunAsync(session, s3, name, options, progress, cancellationToken);
        }
        catch (RestoreFailedException e)
        {
            Finish(e.Report, format);
            throw;
        }

        return Finish(report, format);
    }

    private int Finish(RestoreReport report, OutputFormat format)
    {
        var log = Log.ForScope("restore");
        RestoreViews.Write(report, format, _verbose.HasValue());
        if (report.Outcome == RestoreOutcome.DryRun && report.Plan is { Ready: false } plan)
        {
            foreach (var problem in plan.Problems)
            {
                log.Error("{Problem}", problem);
            }
        }

        return report.ExitCode;
    }
}
