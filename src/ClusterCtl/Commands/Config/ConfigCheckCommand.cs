using ClusterCtl.Config;
using ClusterCtl.Logging;
using McMaster.Extensions.CommandLineUtils;
using Spectre.Console;

namespace ClusterCtl.Cli.Commands.Config;

/// <summary>Loads and validates cluster.yml without contacting a host, and shows what the other commands will use.</summary>
internal sealed class ConfigCheckCommand() : ClusterCommandBase(
    "check", "Validate cluster.yml offline (no SSH) and print what clusterctl will use: etcd nodes, images, directories, backup_config, S3 (no secrets).")
{
    private CommandOption _output = null!;

    protected override void DeclareOptions(CommandLineApplication command)
    {
        _output = OutputOption.Declare(command);
        base.DeclareOptions(command);
    }

    protected override Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var summary = ConfigSummary.Of(LoadConfig());
        if (_output.Format() == OutputFormat.Json)
        {
            CliJson.Write(summary);
        }
        else
        {
            Render(summary);
        }

        if (summary.RestoreRefusal is { } refusal)
        {
            Log.ForScope("config").Warning("{Refusal:l}", refusal);
        }

        return Task.FromResult(ExitCodes.Success);
    }

    private static void Render(ConfigSummary summary)
    {
        var output = Terminal.Stdout;
        output.MarkupLine($"[green]valid[/]: {Markup.Escape(summary.File)} (cluster {Markup.Escape(string.IsNullOrEmpty(summary.ClusterName) ? "-" : summary.ClusterName)})");
        var nodes = new Table().Border(TableBorder.Simple).AddColumns("ETCD NODE", "INTERNAL ADDRESS", "MEMBER", "SSH USER", "PORT", "ROLES", "SSH KEY");
        foreach (var node in summary.EtcdNodes)
        {
            nodes.AddRow(Markup.Escape(node.Address), Markup.Escape(node.InternalAddress), Markup.Escape(node.MemberName), Markup.Escape(node.User), node.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(node.Roles), Markup.Escape(node.SshKey));
        }

        nodes.Caption(summary.OtherNodes == 0 ? "no other nodes" : $"and {summary.OtherNodes} other node(s), for the component restarts");
        output.Write(nodes);

        var facts = new Grid().AddColumn().AddColumn();
        void Fact(string name, string value) => facts.AddRow(Markup.Escape(name), Markup.Escape(value));
        Fact("etcd image", summary.EtcdImage);
        Fact("helper image", summary.HelperImage);
        Fact("snapshot directory", summary.SnapshotDirectory);
        Fact("etcd data directory", summary.EtcdDataDirectory + (summary.RestoreRefusal is null ? "" : " (a restore would be refused, see below)"));
        var backup = summary.BackupConfig;
        Fact("backup_config", $"{(backup.Enabled ? "enabled" : "disabled")}, every {backup.Interval}, keep {backup.Retention}, timeout {backup.Timeout}{(backup.Verify ? ", verify" : "")}");
        Fact("S3", summary.S3 is { } s3
            ? $"{s3.Endpoint ?? "AWS"} bucket {s3.Bucket}{(s3.Folder is null ? "" : " folder " + s3.Folder)}{(s3.Region is null ? "" : " region " + s3.Region)}; " +
              $"access key {(s3.AccessKeySet ? "set" : "from the AWS chain")}, secret key {(s3.SecretKeySet ? "set" : "from the AWS chain")}{(s3.CustomCa ? ", custom CA" : "")}"
            : "none");
        Fact("bastion", summary.Bastion ?? "none");
        Fact("private registries", summary.PrivateRegistries.Count == 0 ? "none" : string.Join(", ", summary.PrivateRegistries));
        output.Write(facts);
    }
}
