using ClusterCtl.Cli.Logging;
using ClusterCtl.Hosts;
using McMaster.Extensions.CommandLineUtils;

namespace ClusterCtl.Cli.Commands;

/// <summary>Declares the global flags on the root, inherited by every command, and reads them back as <see cref="GlobalOptions"/>.</summary>
internal sealed class GlobalFlags
{
    private readonly CommandOption _debug;
    private readonly CommandOption _quiet;
    private readonly CommandOption _logFormat;
    private readonly CommandOption _sshAgentAuth;
    private readonly CommandOption _ignoreDockerVersion;
    private readonly CommandOption _forceUnlock;
    private readonly CommandOption _strictHostKeyChecking;
    private readonly CommandOption _knownHosts;

    public GlobalFlags(CommandLineApplication root)
    {
        _debug = root.Option("--debug", "Debug logging, and stack traces on errors.", CommandOptionType.NoValue, inherited: true);
        _quiet = root.Option("--quiet", "Only warnings and errors.", CommandOptionType.NoValue, inherited: true);
        _logFormat = root.Option("--log-format <FORMAT>", "Log format: text or json.", CommandOptionType.SingleValue, inherited: true);
        _logFormat.AllowedValues("text", "json");
        _sshAgentAuth = root.Option("--ssh-agent-auth", "Authenticate with the SSH agent (SSH_AUTH_SOCK).", CommandOptionType.NoValue, inherited: true);
        _ignoreDockerVersion = root.Option("--ignore-docker-version", "Accept Docker Engine API versions older than supported.", CommandOptionType.NoValue, inherited: true);
        _forceUnlock = root.Option("--force-unlock", "Remove the cluster lock (and other runs' helpers) before taking it, when its holder is known to be gone.", CommandOptionType.NoValue, inherited: true);
        _strictHostKeyChecking = root.Option("--strict-host-key-checking <MODE>", "Host key policy: accept-new (default, trust on first use), yes, or no.", CommandOptionType.SingleValue, inherited: true);
        _strictHostKeyChecking.AllowedValues("accept-new", "yes", "no");
        _knownHosts = root.Option("--known-hosts <FILE>", "known_hosts file to check host keys against (default ~/.ssh/known_hosts).", CommandOptionType.SingleValue, inherited: true);
    }

    public GlobalOptions Read() => new(
        _debug.HasValue(),
        _quiet.HasValue(),
        string.Equals(_logFormat.Value(), "json", StringComparison.OrdinalIgnoreCase) ? LogFormat.Json : LogFormat.Text,
        _sshAgentAuth.HasValue(),
        _ignoreDockerVersion.HasValue(),
        _strictHostKeyChecking.Value()?.ToUpperInvariant() switch
        {
            "YES" => HostKeyPolicy.Strict,
            "NO" => HostKeyPolicy.Off,
            _ => HostKeyPolicy.AcceptNew,
        },
        _knownHosts.Value(),
        _forceUnlock.HasValue());
}
