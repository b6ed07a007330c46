using ClusterCtl.Config;
using ClusterCtl.Hosts;
using Serilog;

namespace ClusterCtl.IntegrationTests;

/// <summary>Opens clusterctl's own <see cref="ClusterSession"/> against the testbed, as the commands do.</summary>
internal static class TestbedSession
{
    public static ILogger Logger { get; } = new LoggerConfiguration().CreateLogger();

    public static ClusterConfig LoadConfig() => ClusterConfigLoader.Load(Testbed.ClusterYml);

    public static async Task<ClusterSession> OpenAsync(string? knownHosts = null, IReadOnlyList<ClusterNode>? nodes = null, CancellationToken cancellationToken = default)
    {
        var config = LoadConfig();
        return await ClusterSession.OpenAsync(
            config,
            nodes ?? config.EtcdNodes.ToList(),
            new SessionOptions { KnownHostsFile = knownHosts ?? Testbed.NewKnownHostsFile() },
            Logger,
            cancellationToken);
    }
}
