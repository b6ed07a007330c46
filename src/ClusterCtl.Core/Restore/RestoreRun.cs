using System.Collections.Concurrent;
using ClusterCtl.Config;
using ClusterCtl.Etcd;
using ClusterCtl.Hosts;
using ClusterCtl.Logging;
using Serilog;

namespace ClusterCtl.Restore;

/// <summary>One execution of a plan: the session, the per-node state the phases record, and what was stopped and restarted.</summary>
internal sealed class RestoreRun
{
    public RestoreRun(ClusterConfig config, ClusterSession session, RestorePlan plan, RestoreOptions options, ILogger logger)
    {
        Config = config;
        Session = session;
        Plan = plan;
        Options = options;
        Logger = logger.ForScope("restore");
        EtcdNodes = config.EtcdNodes
            .Select(node => new EtcdNodeState(
                session.Nodes.Single(n => n.Node == node),
                EtcdContainerSpec.For(config, node),
                plan.EtcdNodes.Single(p => p.Host == node.Address)))
            .ToList();
        Health = new EtcdClusterHealth(config, logger);
    }

    public ClusterConfig Config { get; }

    public ClusterSession Session { get; }

    public RestorePlan Plan { get; }

    public RestoreOptions Options { get; }

    /// <summary>For the phases' own messages, under the restore scope.</summary>
    public ILogger Logger { get; }

    public string RunId => Plan.RunId;

    public IReadOnlyList<EtcdNodeState> EtcdNodes { get; }

    public IReadOnlyList<NodeSession> EtcdSessions => EtcdNodes.Select(n => n.Session).ToList();

    public EtcdClusterHealth Health { get; }

    /// <summary>The member ids snapshot restore writes: derived from the same --initial-cluster and token it is given.</summary>
    public IReadOnlyCollection<ulong> RestoredMemberIds =>
        EtcdMemberIds.Of(EtcdNodes[0].Spec.InitialCluster, EtcdNodes[0].Spec.InitialClusterToken).Values.ToList();

    public ConcurrentQueue<ApiserverStop> StoppedApiservers { get; } = new();

    public ConcurrentQueue<RestartedContainer> Restarted { get; } = new();

    /// <summary>"pre-restore-&lt;UTC time&gt;", fixed when phase 6 begins; the same name on every node.</summary>
    public string? PreRestoreDirectory { get; set; }

    public long? FinalRevision { get; set; }

    public TimeSpan HealthTimeout => Plan.HealthTimeout;

    /// <summary>Docker's stop timeout for etcd and the components: SIGTERM, then SIGKILL after this.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
}
