
namespace ClusterCtl.Storage;

/// <summary>
/// What is known about a snapshot before its bytes are read: where and when it was taken. The db's size and
/// hash are only known after streaming it, so the manifest is completed from this and the verifier's result.
/// </summary>
internal sealed record SnapshotOrigin(
    string? ClusterName,
    DateTimeOffset CreatedAt,
    string? EtcdVersion,
    long? Revision,
    string? SourceMember,
    IReadOnlyList<string>? EtcdMembers = null,
    SnapshotProof? Proof = null);
