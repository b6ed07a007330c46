namespace ClusterCtl.Restore;

/// <summary>What phase 3 found on one etcd node, and what phase 7 will do with its etcd container.</summary>
internal sealed record PreflightResult
{
    public required string Host { get; init; }

    public required string MemberName { get; init; }

    public IReadOnlyList<PreflightCheck> Checks { get; init; } = [];

    /// <summary>The etcd version of the image, from <c>etcd --version</c>; null when it could not be run (e.g. not pulled in a dry run).</summary>
    public string? EtcdVersion { get; init; }

    public bool HasEtcdutl { get; init; }

    /// <summary>The image's etcdutl knows <c>--bump-revision</c> and <c>--mark-compacted</c>.</summary>
    public bool CanBumpRevision { get; init; }

    public long? FreeBytes { get; init; }

    public long RequiredBytes { get; init; }

    /// <summary>The node has a live member directory that the swap will move to pre-restore-&lt;time&gt;.</summary>
    public bool HasMember { get; init; }

    /// <summary>This run's snapshot db is already in the node's scratch directory, with the expected size.</summary>
    public bool SnapshotInPlace { get; init; }

    /// <summary>The state of the node's etcd container: running, exited, ..., or missing.</summary>
    public string EtcdContainerState { get; init; } = "missing";

    public EtcdContainerAction EtcdContainerAction { get; init; }

    /// <summary>Why the container will be recreated; empty when it is started as it is.</summary>
    public IReadOnlyList<string> EtcdContainerDifferences { get; init; } = [];

    /// <summary>
    /// A replacement (or added) node: it has no etcd certificate, or no etcd data. It joins the restored cluster as a
    /// fresh member; its missing certificates are made from the cluster CA before the point of no return.
    /// </summary>
    public bool IsNewNode { get; init; }

    /// <summary>The certificate files (paths as the etcd container sees them) the node lacks.</summary>
    public IReadOnlyList<string> MissingCertificates { get; init; } = [];

    public bool Passed => Checks.All(c => c.Passed);

    public IEnumerable<PreflightCheck> Failures => Checks.Where(c => !c.Passed);
}
