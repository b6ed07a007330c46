using ClusterCtl.Etcd;
using ClusterCtl.Hosts;
using ClusterCtl.Logging;
using McMaster.Extensions.CommandLineUtils;

namespace ClusterCtl.Cli.Commands.Etcd;

internal sealed class SnapshotPruneCommand() : SnapshotCommandBase(
    "snapshot-prune", "Keep the newest N of this cluster's snapshots on the nodes and in S3; never the last one that verifies, never another's.")
{
    private CommandOption _retention = null!;
    private CommandOption _dryRun = null!;
    private CommandOption _allSnapshots = null!;

    protected override void DeclareOptions(CommandLineApplication command)
    {
        _retention = command.Option("--retention <N>", "How many to keep (default: backup_config.retention, else 6).", CommandOptionType.SingleValue)
            .Range(1, 100000);
        _dryRun = command.Option("--dry-run", "Print what would be removed and remove nothing.", CommandOptionType.NoValue);
        _allSnapshots = command.Option("--all-snapshots", "Also count and prune snapshots this cluster did not make: other clusters', RKE's own, raw dbs, and manifests without member names. Default: only this cluster's.", CommandOptionType.NoValue);
        base.DeclareOptions(command);
    }

    protected override async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var dryRun = _dryRun.HasValue();
        var log = Log.ForScope("snapshot");
        var config = LoadConfig();
        var retention = _retention.IntValue() ?? config.Etcd.Backup.Retention;
        using var s3 = OpenS3(config);
        await using var session = await ClusterSession.OpenAsync(config, config.EtcdNodes.ToList(), SessionOptions, Log, cancellationToken);
        await using var clusterLock = dryRun ? null : await session.LockAsync(config, "etcd snapshot-prune", Log, cancellationToken);

        var snapshots = await new SnapshotCatalog(config).ListAsync(session, s3, cancellationToken);
        var ownership = SnapshotOwnership.Of(config);
        var plan = SnapshotPrunePlan.For(snapshots, retention, _allSnapshots.HasValue() ? _ => true : ownership.IsOurs);
        foreach (var other in plan.NotOurs)
        {
            log.Information("Not ours, kept: {Name:l} ({Reason:l})", other.Name, ownership.WhyNotOurs(other));
        }

        log.Information("Keeping {Kept} of {Total} snapshots in scope (retention {Retention}): {Names}",
            plan.Keep.Count, plan.Keep.Count + plan.Remove.Count, retention, string.Join(", ", plan.Keep.Select(s => s.Name)));

        var remover = new SnapshotRemover(config, Log);
        foreach (var snapshot in plan.Remove)
        {
            if (dryRun)
            {
                log.Information("Would remove {Name} ({Created:u})", snapshot.Name, snapshot.CreatedAt);
                Console.Out.WriteLine(snapshot.Name);
            }
            else
            {
                await remover.RemoveAsync(session, s3, snapshot, cancellationToken);
                Console.Out.WriteLine(snapshot.Name);
            }
        }

        return session.Unreachable.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }
}
