using ClusterCtl.Logging;
using RangeAttribute = System.ComponentModel.DataAnnotations.RangeAttribute;
using RequiredAttribute = System.ComponentModel.DataAnnotations.RequiredAttribute;
using ClusterCtl.Cluster;
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
            CaCertificateFile = CaCertificateFile,
            CaKeyFile = CaKeyFile,
            RegenerateCertificates = RegenerateCertificates,
            VerifyFirst = VerifyFirst,
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
        RestoreViews.Write(report, format);
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
