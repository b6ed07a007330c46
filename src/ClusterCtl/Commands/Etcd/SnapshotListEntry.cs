namespace ClusterCtl.Cli.Commands.Etcd;

/// <summary>One snapshot as <c>snapshot-list --output json</c> prints it.</summary>
internal sealed record SnapshotListEntry(
    string Name,
    DateTimeOffset CreatedAt,
    long Size,
    long? Revision,
    IReadOnlyDictionary<string, string> Nodes,
    bool InS3,
    string? S3Sha256,
    bool CopiesAgree,
    DateTimeOffset? VerifiedAt);
