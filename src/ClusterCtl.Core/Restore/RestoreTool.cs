namespace ClusterCtl.Restore;

/// <summary>Which binary of the etcd image restores the snapshot.</summary>
internal enum RestoreTool
{
    /// <summary>etcd 3.5+: <c>etcdutl snapshot restore</c>, with <c>--bump-revision</c>/<c>--mark-compacted</c> when it has them.</summary>
    Etcdutl,

    /// <summary>etcd 3.4 and older: <c>etcdctl snapshot restore</c>, which cannot bump the revision.</summary>
    Etcdctl,
}
