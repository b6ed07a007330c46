namespace ClusterCtl.Etcd;

/// <summary>One row of <c>etcd status</c>: what we learned about one etcd node, or why we could not.</summary>
internal sealed record EtcdMemberReport
{
    public required string Node { get; init; }

    /// <summary>The state of the node's <c>etcd</c> container (running, exited, missing), or unreachable.</summary>
    public required string Container { get; init; }

    public string? MemberId { get; init; }

    public string? MemberName { get; init; }

    public bool IsLeader { get; init; }

    public string? Version { get; init; }

    public long? DbSizeBytes { get; init; }

    public long? Revision { get; init; }

    public bool Healthy { get; init; }

    public long? FreeSnapshotDiskBytes { get; init; }

    /// <summary>Why the member is not healthy, in one line.</summary>
    public string? Problem { get; init; }
}
