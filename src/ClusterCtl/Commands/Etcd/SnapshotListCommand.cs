using System.Globalization;
using ClusterCtl.Etcd;
using ClusterCtl.Hosts;
using ClusterCtl.Logging;
using McMaster.Extensions.CommandLineUtils;
using Spectre.Console;

namespace ClusterCtl.Cli.Commands.Etcd;

internal sealed class SnapshotListCommand() : SnapshotCommandBase(
    "snapshot-list", "List snapshots on every etcd node and in S3, and whether their copies agree.")
{
    private CommandOption _output = null!;

    protected override void DeclareOptions(CommandLineApplication command)
    {
        _output = OutputOption.Declare(command);
        base.DeclareOptions(command);
    }

    protected override async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var log = Log.ForScope("snapshot");
        var config = LoadConfig();
        using var s3 = OpenS3(config);
        await using var session = await ClusterSession.OpenAsync(config, config.EtcdNodes.ToList(), SessionOptions, Log, cancellationToken);
        var snapshots = await new SnapshotCatalog(config).ListAsync(session, s3, cancellationToken);

        if (_output.Format() == OutputFormat.Json)
        {
            CliJson.Write<IReadOnlyList<SnapshotListEntry>>(
                [.. snapshots.Select(s => new SnapshotListEntry(s.Name, s.CreatedAt, s.Size, s.Revision, s.NodeCopies, s.InS3, s.S3Sha256, s.CopiesAgree, s.VerifiedAt))]);
        }
        else
        {
            var nodes = config.EtcdNodes.Select(n => n.Address).ToList();
            var table = new Table().Border(TableBorder.Simple).AddColumns("NAME", "CREATED (UTC)", "SIZE", "REVISION", "NODES", "S3", "COPIES", "VERIFIED (UTC)");
            foreach (var s in snapshots)
            {
                table.AddRow(
                    Markup.Escape(s.Name),
                    s.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    ByteSize.Format(s.Size),
                    s.Revision?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    $"{s.NodeCopies.Count}/{nodes.Count}" + (s.NodeCopies.Count < nodes.Count ? $" (missing: {string.Join(", ", nodes.Except(s.NodeCopies.Keys))})" : ""),
                    s.InS3 ? "yes" : "no",
                    s.CopiesAgree ? "[green]agree[/]" : "[red]DIFFER[/]",
                    s.VerifiedAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-");
            }

            Terminal.Stdout.Write(table);
        }

        foreach (var s in snapshots.Where(s => !s.CopiesAgree))
        {
            log.Warning("Copies of {Name} differ: {Hashes}", s.Name,
                string.Join(", ", s.NodeCopies.Select(c => $"{c.Key}={c.Value[..12]}").Concat(s.S3Sha256 is { } h ? [$"s3={h[..12]}"] : s.S3SizeDiffers ? ["s3=another size"] : [])));
        }

        foreach (var (node, error) in session.Unreachable)
        {
            log.Error("{Host} was not listed: {Error}", node.Address, error.Message);
        }

        return session.Unreachable.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }
}
