using ClusterCtl.Etcd;
using ClusterCtl.Hosts;
using ClusterCtl.Storage;
using McMaster.Extensions.CommandLineUtils;

namespace ClusterCtl.Cli.Commands.Etcd;

internal sealed class SnapshotDeleteCommand() : SnapshotCommandBase("snapshot-delete", "Delete a snapshot from every etcd node and from S3.")
{
    private CommandOption _name = null!;

    protected override void DeclareOptions(CommandLineApplication command)
    {
        _name = command.Option("--name <SNAPSHOT>", "The snapshot to delete.", CommandOptionType.SingleValue).Required();
        base.DeclareOptions(command);
    }

    protected override async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var name = SnapshotName.Validate(_name.Value()!);
        var config = LoadConfig();
        using var s3 = OpenS3(config);
        await using var session = await ClusterSession.OpenAsync(config, config.EtcdNodes.ToList(), SessionOptions, Log, cancellationToken);
        await using var clusterLock = await session.LockAsync(config, "etcd snapshot-delete", Log, cancellationToken);

        var snapshot = (await new SnapshotCatalog(config).ListAsync(session, s3, cancellationToken)).FirstOrDefault(s => s.Name == name)
            ?? throw new ClusterCtlException($"snapshot {name} not found on any etcd node{(s3 is null ? "" : " or in " + s3.Location)}; see 'clusterctl etcd snapshot-list'", ExitCodes.InvalidInput);

        // Holding the lock means every etcd node was reached.
        await new SnapshotRemover(config, Log).RemoveAsync(session, s3, snapshot, cancellationToken);
        return ExitCodes.Success;
    }
}
