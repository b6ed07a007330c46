namespace ClusterCtl.Storage;

internal enum SnapshotArtifactFormat
{
    /// <summary>A zip laid out as rke-tools lays it out (or with relative names).</summary>
    Zip,

    /// <summary>Plain <c>etcdctl snapshot save</c> output: a bbolt db plus etcd's hash.</summary>
    RawDb,
}
