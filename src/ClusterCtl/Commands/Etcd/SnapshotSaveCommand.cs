using ClusterCtl.Etcd;
using ClusterCtl.Hosts;
using ClusterCtl.Logging;
using ClusterCtl.Storage;
using McMaster.Extensions.CommandLineUtils;
using Spectre.Console;

namespace ClusterCtl.Cli.Commands.Etcd;

internal sealed class SnapshotSaveCommand() : SnapshotCommandBase(
    "snapshot-save", "Take one verified snapshot and keep a byte-identical copy on every etcd node (and in S3).")
{
    private CommandOption _name = null!;
    private CommandOption _overwrite = null!;
    private CommandOption _output = null!;

    protected override void DeclareOptions(CommandLineApplication command)
    {
        _name = command.Option("--name <NAME>", "Snapshot name (default <cluster_name>_etcd_snapshot_<UTC time>); letters, digits, . _ -", CommandOptionType.SingleValue);
        _overwrite = command.Option("--overwrite", "Replace a snapshot of the same name on the nodes and in S3; without it such a name is refused (exit 2) before anything is taken.", CommandOptionType.NoValue);
        _output = OutputOption.Declare(command);
        base.DeclareOptions(command);
    }

    protected override async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var log = Log.ForScope("snapshot");
        var config = LoadConfig();
        var name = _name.Value() is { } given ? SnapshotName.Validate(given) : SnapshotName.Default(config.ClusterName, DateTimeOffset.UtcNow);
        using var s3 = OpenS3(config);
        var phases = new PhaseClock();
        await using var session = await ClusterSession.OpenAsync(config, config.EtcdNodes.ToList(), SessionOptions, Log, cancellationToken);
        phases.Mark("connect");
        await using var clusterLock = await session.LockAsync(config, "etcd snapshot-save", Log, cancellationToken);
        phases.Mark("lock");

        SnapshotSaveReport report;
        // Ended before the table is written: a live display on stderr would be drawn over it.
        await using (var progress = TransferProgressDisplay.For(Globals.Quiet, Log))
        {
            report = await new SnapshotSaver(config, Log).SaveAsync(session, name, s3, _overwrite.HasValue(), progress, cancellationToken);
        }

        report = report with { Phases = [.. phases.Phases, .. report.Phases] };

        if (_output.Format() == OutputFormat.Json)
        {
            CliJson.Write(report);
        }
        else
        {
            Terminal.Stdout.Write(Table(report));
        }

        foreach (var failed in report.Copies.Where(c => !c.Succeeded))
        {
            log.Error("No good copy of {Name} on {Target}: {Error}", report.Name, failed.Target, failed.Error);
        }

        if (!report.AllCopiesSucceeded)
        {
            var good = report.Copies.Where(c => c.Succeeded).Select(c => c.Target).ToList();
            // The one line an operator may see alone (--quiet, a CI log) carries each cause: a full disk names its free space.
            var failed = report.Copies.Where(c => !c.Succeeded).Select(c => c.Error is { } error ? $"{c.Target} ({WithoutTarget(error, c.Target)})" : c.Target);
            throw new ClusterCtlException(
                $"snapshot {report.Name} is incomplete: no copy on {string.Join(", ", failed)}; " +
                (good.Count > 0 ? $"the verified copies on {string.Join(", ", good)} are kept" : "no copy was kept"));
        }

        log.Information("Saved {Name} (revision {Revision}) on {Copies} targets in {Duration:0.0}s",
            report.Name, report.Revision, report.Copies.Count, report.Duration.TotalSeconds);
        return ExitCodes.Success;
    }

    private static string WithoutTarget(string error, string target) =>
        error.StartsWith(target + ": ", StringComparison.Ordinal) ? error[(target.Length + 2)..] : error;

    private static Table Table(SnapshotSaveReport report)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("TARGET", "RESULT", "SHA256", "TIME");
        foreach (var copy in report.Copies)
        {
            table.AddRow(
                Markup.Escape(copy.Target),
                copy.Succeeded ? "[green]ok[/]" : "[red]failed[/]",
                copy.Sha256 ?? "-",
                $"{copy.Elapsed.TotalSeconds:0.0}s");
        }

        table.Caption($"{Markup.Escape(report.Name)}: revision {report.Revision}, db {ByteSize.Format(report.DbSize)}, zip {ByteSize.Format(report.ZipSize)}, from {Markup.Escape(report.SourceMember)} on {Markup.Escape(report.SourceNode)}");
        return table;
    }
}
