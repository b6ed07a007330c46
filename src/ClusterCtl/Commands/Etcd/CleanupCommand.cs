using System.Globalization;
using ClusterCtl.Hosts;
using ClusterCtl.Restore;
using McMaster.Extensions.CommandLineUtils;
using Spectre.Console;

namespace ClusterCtl.Cli.Commands.Etcd;

internal sealed class CleanupCommand() : ClusterCommandBase(
    "cleanup",
    "Remove what restores and snapshots left behind: old pre-restore data, failed and scratch restore dirs, temporary snapshot files, helper containers.")
{
    private CommandOption _keepPreRestore = null!;
    private CommandOption _force = null!;
    private CommandOption _dryRun = null!;
    private CommandOption _output = null!;

    protected override void DeclareOptions(CommandLineApplication command)
    {
        _keepPreRestore = command.Option("--keep-pre-restore <N>", "How many pre-restore-* directories (the data each restore replaced) to keep on every node, newest first (default 1).", CommandOptionType.SingleValue)
            .Range(0, int.MaxValue);
        _force = command.Option("--force", "Allow --keep-pre-restore 0 (the newest pre-restore dir is still kept where a node has no member directory or no running etcd).", CommandOptionType.NoValue);
        _dryRun = command.Option("--dry-run", "Only list what would be removed.", CommandOptionType.NoValue);
        _output = OutputOption.Declare(command);
        base.DeclareOptions(command);
    }

    protected override async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var keepPreRestore = _keepPreRestore.IntValue() ?? 1;
        var dryRun = _dryRun.HasValue();
        // The newest pre-restore dir is the data the last restore replaced: the only way back from a bad restore.
        if (keepPreRestore == 0 && !_force.HasValue() && !dryRun)
        {
            throw new ClusterCtlException(
                "--keep-pre-restore 0 removes the data the last restore replaced, the only way back from it; add --force to do so, or keep 1 or more",
                ExitCodes.InvalidInput);
        }

        var config = LoadConfig();
        // Before any host is contacted: cleanup works in the directory etcd's data-dir really is, or refuses.
        ClusterCtl.Etcd.EtcdDataLocation.HostDataDirectory(config);
        await using var session = await ClusterSession.OpenAsync(config, config.Nodes, SessionOptions, Log, cancellationToken);
        // Taking the lock also removes crashed runs' helpers; a dry run only lists them, so it needs no lock.
        await using var clusterLock = dryRun ? null : await session.LockAsync(config, "etcd cleanup", Log, cancellationToken);

        var report = await new EtcdCleaner(config, Log).CleanAsync(session, keepPreRestore, dryRun, cancellationToken);

        if (_output.Format() == OutputFormat.Json)
        {
            CliJson.Write(report);
        }
        else
        {
            Terminal.Stdout.Write(Table(report));
            Terminal.Stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(report.DryRun ? "Would remove" : "Removed")} {report.Items.Count} item(s), {ByteSize.Format(report.TotalBytes)}."));
        }

        return report.Problems.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }

    private static Table Table(CleanupReport report)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("NODE", report.DryRun ? "WOULD REMOVE" : "REMOVED", "PATH", "SIZE");
        foreach (var item in report.Items)
        {
            table.AddRow(Markup.Escape(item.Host), Markup.Escape(item.Kind), Markup.Escape(item.Path), item.SizeBytes is null ? "-" : ByteSize.Format(item.SizeBytes));
        }

        return table;
    }
}
