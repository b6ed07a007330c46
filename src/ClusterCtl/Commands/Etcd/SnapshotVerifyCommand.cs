using System.Globalization;
using ClusterCtl.Hosts;
using ClusterCtl.Storage;
using ClusterCtl.Verify;
using McMaster.Extensions.CommandLineUtils;
using Spectre.Console;

namespace ClusterCtl.Cli.Commands.Etcd;

internal sealed class SnapshotVerifyCommand() : SnapshotCommandBase(
    "snapshot-verify",
    "Restore drill: restore a snapshot into a throwaway etcd on one node and check that it holds what was recorded at save time. Never touches the cluster's etcd.")
{
    private CommandOption _name = null!;
    private CommandOption _node = null!;
    private CommandOption _output = null!;

    protected override void DeclareOptions(CommandLineApplication command)
    {
        _name = command.Option("--name <SNAPSHOT>", "The snapshot to verify.", CommandOptionType.SingleValue).Required();
        _node = command.Option("--node <ADDRESS>", "The etcd node to run the drill on (default: one that holds a copy).", CommandOptionType.SingleValue);
        _output = OutputOption.Declare(command);
        base.DeclareOptions(command);
    }

    protected override async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var name = SnapshotName.Validate(_name.Value()!);
        var config = LoadConfig();
        using var s3 = OpenS3(config);
        await using var session = await ClusterSession.OpenAsync(config, config.EtcdNodes.ToList(), SessionOptions, Log, cancellationToken);
        var report = await new SnapshotDrill(config, Log).RunAsync(session, s3, name, _node.Value(), cancellationToken);

        if (_output.Format() == OutputFormat.Json)
        {
            CliJson.Write(report);
        }
        else
        {
            Render(report);
        }

        return report.Verified ? ExitCodes.Success : ExitCodes.Failed;
    }

    private static void Render(SnapshotDrillReport report)
    {
        var console = Terminal.Stdout;
        console.MarkupLine(report.Verified
            ? $"[green]VERIFIED[/] {Markup.Escape(report.Name)}: restores and serves on {Markup.Escape(report.Node)} in {report.Seconds:0.0} s"
            : $"[red]NOT VERIFIED[/] {Markup.Escape(report.Name)} on {Markup.Escape(report.Node)}: {Markup.Escape(report.Failure ?? string.Join("; ", report.Mismatches))}");
        console.MarkupLine($"copy: {Markup.Escape(report.Copy)}");
        if (!report.Restorable)
        {
            return;
        }

        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"revision: {report.Revision}{(report.RecordedRevision is { } r ? (r == report.Revision ? " (as recorded)" : $" [red](recorded {r})[/]") : "")}"));
        console.MarkupLine(report.HashMatches switch
        {
            true => string.Create(CultureInfo.InvariantCulture, $"hashkv: {report.HashKv} (matches the one recorded at save)"),
            false => string.Create(CultureInfo.InvariantCulture, $"hashkv: {report.HashKv} [red](recorded {report.RecordedHashKv})[/]"),
            null => string.Create(CultureInfo.InvariantCulture, $"hashkv: {report.HashKv} (nothing recorded to compare)"),
        });
        foreach (var note in report.Notes)
        {
            console.MarkupLine("note: " + Markup.Escape(note));
        }

        var table = new Table().Border(TableBorder.Simple).AddColumns("RESOURCE", "KEYS", "RECORDED");
        foreach (var resource in report.KeyCounts.Keys.Union(report.RecordedKeyCounts?.Keys ?? []).Order(StringComparer.Ordinal))
        {
            var keys = report.KeyCounts.GetValueOrDefault(resource);
            var recorded = report.RecordedKeyCounts?.GetValueOrDefault(resource);
            table.AddRow(
                Markup.Escape(resource),
                keys.ToString(CultureInfo.InvariantCulture),
                recorded is not { } n ? "-" : n == keys ? n.ToString(CultureInfo.InvariantCulture) : $"[red]{n}[/]");
        }

        table.AddRow("[bold]total[/]", report.TotalKeys.ToString(CultureInfo.InvariantCulture), report.RecordedKeyCounts?.Values.Sum().ToString(CultureInfo.InvariantCulture) ?? "-");
        console.Write(table);
    }
}
