using ClusterCtl.Cli.Commands.Etcd;
using ClusterCtl.Cli.Logging;
using ClusterCtl.Hosts;
using McMaster.Extensions.CommandLineUtils;
using Serilog;

namespace ClusterCtl.Cli.Commands;

[Command("clusterctl", Description = "Snapshot, restore and recover the etcd plane of RKE-style clusters.")]
[Subcommand(typeof(EtcdCommand), typeof(VersionCommand))]
internal sealed class ClusterCtlCommand
{
    [Option("--debug", "Debug logging, and stack traces on errors.", CommandOptionType.NoValue, Inherited = true)]
    public bool Debug { get; set; }

    [Option("--quiet", "Only warnings and errors.", CommandOptionType.NoValue, Inherited = true)]
    public bool Quiet { get; set; }

    [Option("--log-format <FORMAT>", "Log format: text or json.", CommandOptionType.SingleValue, Inherited = true)]
    [AllowedValues("text", "json", IgnoreCase = true)]
    public string LogFormat { get; set; } = "text";

    [Option("--ssh-agent-auth", "Authenticate with the SSH agent (SSH_AUTH_SOCK).", CommandOptionType.NoValue, Inherited = true)]
    public bool SshAgentAuth { get; set; }

    [Option("--ignore-docker-version", "Accept Docker Engine API versions older than supported.", CommandOptionType.NoValue, Inherited = true)]
    public bool IgnoreDockerVersion { get; set; }

    [Option("--force-unlock", "Remove the cluster lock (and other runs' helpers) before taking it, when its holder is known to be gone.", CommandOptionType.NoValue, Inherited = true)]
    public bool ForceUnlock { get; set; }

    [Option("--strict-host-key-checking <MODE>", "Host key policy: accept-new (default, trust on first use), yes, or no.", CommandOptionType.SingleValue, Inherited = true)]
    [AllowedValues("accept-new", "yes", "no", IgnoreCase = true)]
    public string StrictHostKeyChecking { get; set; } = "accept-new";

    [Option("--known-hosts <FILE>", "known_hosts file to check host keys against (default ~/.ssh/known_hosts).", CommandOptionType.SingleValue, Inherited = true)]
    public string? KnownHosts { get; set; }

    /// <summary>Set by Program: cancelled on Ctrl+C or SIGTERM.</summary>
    public CancellationToken Shutdown { get; set; }

    /// <summary>Set by Program once the global flags are parsed: the process's one logger, for every command.</summary>
    public ILogger Logger { get; set; } = Serilog.Core.Logger.None;

    public GlobalOptions Globals => new(
        Debug,
        Quiet,
        string.Equals(LogFormat, "json", StringComparison.OrdinalIgnoreCase) ? Logging.LogFormat.Json : Logging.LogFormat.Text,
        SshAgentAuth,
        IgnoreDockerVersion,
        StrictHostKeyChecking.ToUpperInvariant() switch
        {
            "YES" => HostKeyPolicy.Strict,
            "NO" => HostKeyPolicy.Off,
            _ => HostKeyPolicy.AcceptNew,
        },
        KnownHosts,
        ForceUnlock);

    private static int OnExecute(CommandLineApplication app)
    {
        app.ShowHelp();
        return ExitCodes.InvalidInput;
    }
}
