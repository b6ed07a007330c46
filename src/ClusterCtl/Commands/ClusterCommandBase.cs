using ClusterCtl.Config;
using ClusterCtl.Hosts;
using McMaster.Extensions.CommandLineUtils;

namespace ClusterCtl.Cli.Commands;

/// <summary>A command that works on the cluster described by a cluster.yml.</summary>
internal abstract class ClusterCommandBase(string name, string description) : CommandBase(name, description)
{
    private CommandOption _config = null!;

    protected SessionOptions SessionOptions => new()
    {
        HostKeyPolicy = Globals.HostKeyPolicy,
        KnownHostsFile = Globals.KnownHostsFile,
        SshAgentAuth = Globals.SshAgentAuth,
        IgnoreDockerVersion = Globals.IgnoreDockerVersion,
        ForceUnlock = Globals.ForceUnlock,
    };

    protected override void DeclareOptions(CommandLineApplication command) =>
        _config = command.Option("--config <FILE>", "The cluster.yml (default: $RKE_CONFIG, else ./cluster.yml).", CommandOptionType.SingleValue);

    protected ClusterConfig LoadConfig()
    {
        var path = ClusterConfigLoader.ResolvePath(_config.Value());
        var config = ClusterConfigLoader.Load(path);
        Log.Debug("Loaded {Config}: {NodeCount} nodes, {EtcdCount} with etcd", path, config.Nodes.Count, config.EtcdNodes.Count());
        return config;
    }
}
