using ClusterCtl.Cli.Logging;
using ClusterCtl.Hosts;

namespace ClusterCtl.Cli.Commands;

/// <summary>The flags every command accepts, before or after the subcommand name.</summary>
internal sealed record GlobalOptions(
    bool Debug,
    bool Quiet,
    LogFormat LogFormat,
    bool SshAgentAuth,
    bool IgnoreDockerVersion,
    HostKeyPolicy HostKeyPolicy,
    string? KnownHostsFile,
    bool ForceUnlock)
{
    public static GlobalOptions Defaults { get; } = new(false, false, LogFormat.Text, false, false, HostKeyPolicy.AcceptNew, null, false);
}
