using System.Globalization;
using ClusterCtl.Restore;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ClusterCtl.Cli.Commands.Etcd;

/// <summary>
/// How snapshot-restore shows its plan (<c>--dry-run</c>) and its report, as tables for people and as JSON
/// (<c>--output json</c>, the records themselves) for pipelines. The report's table counts the restarted containers
/// per node, naming only those that failed; <c>--verbose</c> lists each one, as the JSON always does.
/// </summary>
internal static class RestoreViews
{
    /// <summary>
    /// Writes the report to stdout: the plan for a dry run, else phases and restarts, each restarted container only
    /// when <paramref name="verbose"/>; JSON is the whole report either way.
    /// </summary>
    public static void Write(RestoreReport report, OutputFormat format, bool verbose)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (format == OutputFormat.Json)
        {
            CliJson.Write(report);
        }
        else
        {
            Terminal.Stdout.Write(report.Plan is { } plan && report.Outcome == RestoreOutcome.DryRun ? Plan(plan) : Report(report, verbose));
        }
    }

    public static IRenderable Plan(RestorePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var nodes = new Table().Border(TableBorder.Simple)
            .AddColumns("NODE", "MEMBER", "ETCD", "DISK FREE / NEEDED", "MEMBER DIR", "SNAPSHOT", "ETCD CONTAINER", "CHECKS");
        foreach (var node in plan.EtcdNodes)
        {
            nodes.AddRow(
                Markup.Escape(node.Host),
                Markup.Escape(node.MemberName) + (node.IsNewNode ? " [yellow](new node)[/]" : ""),
                Markup.Escape(node.EtcdVersion ?? "-"),
                $"{ByteSize.Format(node.FreeBytes)} / {ByteSize.Format(node.RequiredBytes)}",
                node.HasMember ? "kept as pre-restore" : "none",
                node.SnapshotInPlace ? "in place" : "to distribute",
                Markup.Escape(node.EtcdContainerAction switch
                {
                    EtcdContainerAction.StartAsIs => node.EtcdContainerState + ", start as is",
                    EtcdContainerAction.Recreate => node.EtcdContainerState + ", recreate",
                    _ => "missing, create",
                }),
                node.Passed ? "[green]passed[/]" : "[red]" + Markup.Escape(string.Join("; ", node.Failures.Select(f => f.Name))) + "[/]");
        }

        var rows = new List<IRenderable>
        {
            new Markup($"[bold]Restore plan[/] (run {Markup.Escape(plan.RunId)})"),
            Source(plan.Source),
            new Markup(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"Tool: {(plan.Tool == RestoreTool.Etcdutl ? "etcdutl" : "etcdctl")}{(plan.BumpRevision ? $", revision bumped by {RestoreHelperSpecs.RevisionBump}" : ", no revision bump")}; etcd before: {plan.HealthBefore}, revision {plan.RevisionBefore?.ToString(CultureInfo.InvariantCulture) ?? "-"}"))),
            nodes,
            new Markup("[bold]Steps[/]"),
        };
        rows.AddRange(plan.Steps.Select((step, i) => new Markup(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"  {i + 1}. {step}")))));
        rows.AddRange(plan.Warnings.Select(w => new Markup("[yellow]warning:[/] " + Markup.Escape(w))));
        rows.AddRange(plan.Problems.Select(p => new Markup("[red]problem:[/] " + Markup.Escape(p))));
        rows.Add(new Markup(plan.Ready ? "[green]Ready: nothing was written.[/]" : "[red]Not ready: the restore would be refused; nothing was written.[/]"));
        return new Rows(rows);
    }

    public static IRenderable Report(RestoreReport report, bool verbose)
    {
        ArgumentNullException.ThrowIfNull(report);
        var phases = new Table().Border(TableBorder.Simple).AddColumns("PHASE", "SECONDS", "RESULT", "DETAIL");
        foreach (var phase in report.Phases)
        {
            phases.AddRow(
                phase.Phase.ToString(),
                phase.Seconds.ToString("0.0", CultureInfo.InvariantCulture),
                phase.Succeeded ? "[green]ok[/]" : "[red]failed[/]",
                Markup.Escape(phase.Detail));
        }

        var outcome = report.Outcome switch
        {
            RestoreOutcome.Restored => "[green]Restored[/]",
            RestoreOutcome.RolledBack => "Restore [yellow]rolled back[/]",
            RestoreOutcome.DryRun => "Dry run",
            _ => "Restore [red]needs manual attention[/]",
        };
        var rows = new List<IRenderable>
        {
            new Markup(string.Create(CultureInfo.InvariantCulture, $"[bold]{outcome}[/] in {report.TotalSeconds:0.0} s (run {Markup.Escape(report.RunId)}) on {Markup.Escape(string.Join(", ", report.EtcdNodes))}")),
            Source(report.Snapshot),
            new Markup(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"Revision: {report.RevisionBefore?.ToString(CultureInfo.InvariantCulture) ?? "-"} before, {report.FinalRevision?.ToString(CultureInfo.InvariantCulture) ?? "-"} after{(report.RevisionBumped ? " (bumped)" : "")}{(report.PreRestoreDirectory is { } kept ? $"; previous data kept in {kept} on every etcd node" : "")}"))),
            phases,
        };

        if (report.NewNodes.Count > 0)
        {
            rows.Add(new Markup("New nodes (joined as new members, certificates from the cluster CA where missing): " + Markup.Escape(string.Join(", ", report.NewNodes))));
        }

        var notRunning = report.ManualSteps.Where(s => s.Container is not null).ToList();
        if (report.Restarted.Count > 0 || notRunning.Count > 0)
        {
            rows.Add(verbose ? EveryRestart(report.Restarted, notRunning) : RestartsPerNode(report.Restarted, notRunning));
        }

        if (report.Failure is { } failure)
        {
            rows.Add(new Markup("[red]" + Markup.Escape(failure) + "[/]"));
        }

        rows.AddRange(report.ManualSteps.Select(s => new Markup($"[red]manual step[/] on {Markup.Escape(s.Host)}: {Markup.Escape(s.Command)}")));
        rows.AddRange(report.Warnings.Select(w => new Markup("[yellow]warning:[/] " + Markup.Escape(w))));
        return new Rows(rows);
    }

    /// <summary>A row per node: how many containers run again, and, by name, those that do not.</summary>
    private static Table RestartsPerNode(IReadOnlyList<RestartedContainer> restarted, List<ManualStep> notRunning)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("NODE", "RESTARTED", "NOT RUNNING");
        foreach (var host in restarted.Select(r => r.Host).Concat(notRunning.Select(s => s.Host)).Distinct().Order(StringComparer.Ordinal))
        {
            var failed = notRunning.Where(s => s.Host == host).Select(s => s.Container!).Order(StringComparer.Ordinal).ToList();
            table.AddRow(
                Markup.Escape(host),
                restarted.Count(r => r.Host == host).ToString(CultureInfo.InvariantCulture),
                failed.Count == 0 ? "-" : "[red]" + Markup.Escape(string.Join(", ", failed)) + "[/]");
        }

        return table;
    }

    /// <summary>A row per container, restarted or not running, with when it was running again.</summary>
    private static Table EveryRestart(IReadOnlyList<RestartedContainer> restarted, List<ManualStep> notRunning)
    {
        var rows = restarted
            .Select(r => (r.Host, r.Container, Action: Markup.Escape(r.Action), Since: r.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)))
            .Concat(notRunning.Select(s => (s.Host, Container: s.Container!, Action: "[red]not running[/]", Since: "-")))
            .OrderBy(r => r.Host, StringComparer.Ordinal).ThenBy(r => r.Container, StringComparer.Ordinal);
        var table = new Table().Border(TableBorder.Simple).AddColumns("NODE", "CONTAINER", "ACTION", "RUNNING SINCE");
        foreach (var row in rows)
        {
            table.AddRow(Markup.Escape(row.Host), Markup.Escape(row.Container), row.Action, row.Since);
        }

        return table;
    }

    private static Markup Source(RestoreSource source) => new(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
        $"Snapshot: {source.Name}  sha256 {source.Sha256}  revision {(source.Revision > 0 ? source.Revision.ToString(CultureInfo.InvariantCulture) : "unknown")}  etcd {source.EtcdVersion ?? "unknown"}  {ByteSize.Format(source.DbSizeBytes)}")));
}
