namespace ClusterCtl.Etcd;

/// <summary>What a save produced: the canonical artifact and where each copy went.</summary>
internal sealed record SnapshotSaveReport(
    string Name,
    string SourceNode,
    string SourceMember,
    string? EtcdVersion,
    long Revision,
    long DbSize,
    string DbSha256,
    long ZipSize,
    string ZipSha256,
    TimeSpan Duration,
    IReadOnlyList<SnapshotCopyResult> Copies)
{
    /// <summary>Where the time went, in order.</summary>
    public IReadOnlyList<SnapshotSavePhase> Phases { get; init; } = [];

    public bool AllCopiesSucceeded => Copies.All(c => c.Succeeded);
}
