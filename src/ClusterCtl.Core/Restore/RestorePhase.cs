namespace ClusterCtl.Restore;

/// <summary>
/// The phases of a restore, as the README lists them, with the rollback. Phase 6 is split: the snapshot restore into
/// the scratch directory writes nothing live, so it runs before the point of no return, and only the swap of member
/// directories comes after it.
/// </summary>
internal enum RestorePhase
{
    /// <summary>Phase 1: connect to every host, take the cluster lock, find the CA.</summary>
    Plan,

    /// <summary>Phase 2: find every copy of the snapshot and choose one.</summary>
    Locate,

    /// <summary>Phase 3: checks on every etcd node; writes nothing.</summary>
    Preflight,

    /// <summary>Phase 4: the chosen snapshot's db into every etcd node's scratch directory.</summary>
    Distribute,

    /// <summary>
    /// Phase 6a: etcdutl/etcdctl snapshot restore into the scratch directory on every node, while etcd still serves.
    /// The tool checks etcd's hash of the db as it restores, so a bad copy refuses the restore with nothing changed.
    /// </summary>
    Restore,

    /// <summary>Phase 5, the point of no return: stop kube-apiserver, then etcd.</summary>
    Stop,

    /// <summary>Phase 6b: the swap of member directories, renames only.</summary>
    Swap,

    /// <summary>Phase 7: start (or recreate) etcd and wait for a healthy cluster.</summary>
    StartEtcd,

    /// <summary>Phase 8: restart the kube components, flannel and calico, and start kube-apiserver.</summary>
    RestartComponents,

    /// <summary>After a failure in phases 5–7: put the old data and containers back.</summary>
    Rollback,
}
