using ClusterCtl.Storage;

namespace ClusterCtl.Restore;

/// <summary>The copy a restore uses, after its db passed etcd's hash check and its manifest.</summary>
internal sealed record VerifiedSnapshot(string Name, SnapshotCopy Copy, SnapshotReadResult Read)
{
    public string DbSha256 => Read.Check.DbSha256;

    public long DbSize => Read.Check.Length;

    public long? Revision => Read.Manifest?.Revision;

    public string? EtcdVersion => Read.Manifest?.EtcdVersion;
}
