using ClusterCtl.Config;
using ClusterCtl.Hosts;
using McMaster.Extensions.CommandLineUtils;

namespace ClusterCtl.Cli.Commands;

/// <summary>A command that works on the cluster described by a cluster.yml.</summary>
internal abstract class ClusterCommandBase : CommandBase
{
    [Option("--config <FILE>", "The cluster.yml (default: $RKE_CONFIG, else ./cluster.yml).", CommandOptionType.SingleValue)]
    public string? ConfigPath { get; set; }

    protected SessionOptions SessionOptions => new()
    {
        HostKeyPolicy = Globals.HostKeyPolicy,
        KnownHostsFile = Globals.KnownHostsFile,
        SshAgentAuth = Globals.SshAgentAuth,
        IgnoreDockerVersion = Globals.IgnoreDockerVersion,
        ForceUnlock = Globals.ForceUnlock,
    };

    protected ClusterConfig LoadConfig()
    {
        var path = ClusterConfigLoader.ResolvePath(ConfigPath);
        var config = ClusterConfigLoader.Load(path);
        Log.Debug("Loaded {Config}: {NodeCount} nodes, {EtcdCount} with etcd", path, config.Nodes.Count, config.EtcdNodes.Count());
        return config;
    }
}
