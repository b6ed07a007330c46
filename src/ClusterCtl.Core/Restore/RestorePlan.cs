using System.Text.Json.Serialization;

namespace ClusterCtl.Restore;

/// <summary>
/// What a restore will do, made by phase 3 (writes nothing): the nodes and what preflight found on each, the source,
/// the tool, the steps in order, and the problems that stop it. <c>--dry-run</c> prints it and stops.
/// </summary>
internal sealed record RestorePlan
{
    public required string RunId { get; init; }

    public required RestoreSource Source { get; init; }

    public required IReadOnlyList<PreflightResult> EtcdNodes { get; init; }

    /// <summary>Nodes with a kube-apiserver container: stopped at the point of no return, started again with the other components.</summary>
    public IReadOnlyList<string> ApiserverNodes { get; init; } = [];

    /// <summary>kube-apiservers whose --etcd-servers names members cluster.yml no longer has; they need the control plane reconfigured.</summary>
    public IReadOnlyList<StaleEtcdServers> StaleEtcdServers { get; init; } = [];

    /// <summary>Every reachable node: where kube components, flannel and calico are restarted.</summary>
    public IReadOnlyList<string> ComponentNodes { get; init; } = [];

    public RestoreTool Tool { get; init; }

    /// <summary><c>--bump-revision 1000000000 --mark-compacted</c>: every node's etcdutl has them, so every member gets the same revision.</summary>
    public bool BumpRevision { get; init; }

    /// <summary>
    /// The revision the restored cluster starts at, or above: the snapshot's, plus the bump when there is one. A
    /// member still on its old data is below it. etcdutl bumps the revision of the newest key, so a db without keys
    /// (revision 0) comes back at exactly the bump, while an unbumped empty store reports revision 1.
    /// </summary>
    public long RevisionAtLeast => BumpRevision ? Math.Max(0, Source.Revision) + RestoreHelperSpecs.RevisionBump : Math.Max(1, Source.Revision);

    [JsonIgnore]
    public TimeSpan HealthTimeout { get; init; }

    public double HealthTimeoutSeconds => HealthTimeout.TotalSeconds;

    /// <summary>Whether etcd was healthy (all members, one leader) before the restore; a rollback waits for that again.</summary>
    public bool ClusterHealthyBefore { get; init; }

    public string? HealthBefore { get; init; }

    public long? RevisionBefore { get; init; }

    public IReadOnlyList<string> Steps { get; init; } = [];

    /// <summary>One line each: "host: what is wrong; the fix". Any problem stops the restore before the point of no return.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    public IReadOnlyList<string> Warnings { get; init; } = [];

    [JsonIgnore]
    public TimeSpan PreflightDuration { get; init; }

    public double PreflightSeconds => Math.Round(PreflightDuration.TotalSeconds, 3);

    public bool Ready => Problems.Count == 0;
}
