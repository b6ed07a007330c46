using McMaster.Extensions.CommandLineUtils;

namespace ClusterCtl.Cli.Commands.Etcd;

[Command("etcd", Description = "Work on the etcd plane: status, snapshots, restore.")]
[Subcommand(typeof(StatusCommand), typeof(SnapshotSaveCommand), typeof(SnapshotListCommand), typeof(SnapshotDeleteCommand), typeof(SnapshotPruneCommand), typeof(SnapshotScheduleCommand), typeof(SnapshotRestoreCommand), typeof(SnapshotVerifyCommand), typeof(CleanupCommand))]
internal sealed class EtcdCommand
{
    private static int OnExecute(CommandLineApplication app)
    {
        app.ShowHelp();
        return ExitCodes.InvalidInput;
    }
}
