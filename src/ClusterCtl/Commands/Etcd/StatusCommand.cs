using ClusterCtl.Config;
using ClusterCtl.Etcd;
using ClusterCtl.Hosts;
using ClusterCtl.Logging;
using McMaster.Extensions.CommandLineUtils;
using Spectre.Console;

namespace ClusterCtl.Cli.Commands.Etcd;

internal sealed class StatusCommand() : ClusterCommandBase(
    "status", "Show every etcd member: container, leader, version, DB size, revision, health, free disk.")
{
    private CommandOption _output = null!;

    protected override void DeclareOptions(CommandLineApplication command)
    {
        _output = OutputOption.Declare(command);
        base.DeclareOptions(command);
    }

    protected override async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var log = Log.ForScope("etcd");
        var config = LoadConfig();
        var etcdNodes = config.EtcdNodes.ToList();
        await using var session = await ClusterSession.OpenAsync(config, etcdNodes, SessionOptions, Log, cancellationToken);

        var probe = new EtcdStatusProbe(config, Log);
        var reports = await Task.WhenAll(etcdNodes.Select(node => ReportAsync(node, session, probe, cancellationToken)));

        if (_output.Format() == OutputFormat.Json)
        {
            CliJson.Write(reports);
        }
        else
        {
            Terminal.Stdout.Write(Table(reports));
        }

        var unhealthy = reports.Where(r => !r.Healthy).ToList();
        foreach (var report in unhealthy)
        {
            log.Error("{Host}: member {Member} is not healthy: {Problem}", report.Node, report.MemberName, report.Problem);
        }

        var leaders = reports.Count(r => r.IsLeader);
        if (unhealthy.Count == 0 && leaders != 1)
        {
            log.Error("Expected exactly one leader, found {Leaders}", leaders);
            return ExitCodes.Failed;
        }

        return unhealthy.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }

    private async Task<EtcdMemberReport> ReportAsync(ClusterNode node, ClusterSession session, EtcdStatusProbe probe, CancellationToken cancellationToken)
    {
        var log = Log.ForScope("etcd");
        if (session.Unreachable.TryGetValue(node, out var unreachable))
        {
            return new EtcdMemberReport { Node = node.Address, Container = "unreachable", MemberName = node.EtcdMemberName, Problem = unreachable.Message };
        }

        try
        {
            return await probe.ProbeAsync(session.Nodes.Single(n => n.Node == node), cancellationToken);
        }
        catch (ClusterCtlException e)
        {
            log.Debug(e, "{Host}: probe failed", node.Address);
            return new EtcdMemberReport { Node = node.Address, Container = "unknown", MemberName = node.EtcdMemberName, Problem = e.Message };
        }
    }

    private static Table Table(IEnumerable<EtcdMemberReport> reports)
    {
        var table = new Table().Border(TableBorder.Simple)
            .AddColumns("NODE", "CONTAINER", "MEMBER", "NAME", "LEADER", "VERSION", "DB SIZE", "REVISION", "HEALTH", "SNAPSHOT DISK FREE");
        foreach (var r in reports)
        {
            table.AddRow(
                Markup.Escape(r.Node),
                Markup.Escape(r.Container),
                r.MemberId ?? "-",
                Markup.Escape(r.MemberName ?? "-"),
                r.IsLeader ? "*" : "",
                r.Version ?? "-",
                ByteSize.Format(r.DbSizeBytes),
                r.Revision?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                r.Healthy ? "[green]healthy[/]" : "[red]unhealthy[/]",
                ByteSize.Format(r.FreeSnapshotDiskBytes));
        }

        return table;
    }
}
