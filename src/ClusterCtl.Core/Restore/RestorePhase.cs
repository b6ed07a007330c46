namespace ClusterCtl.Restore;

/// <summary>
/// The phases of a restore, in the order they run and the README lists them; <see cref="RestorePhases"/> numbers
/// them from this order. The README's phase 6, the point of no return, is two members, so that the stop and the
/// swap are timed and reported on their own; the rollback runs only after a failure, and has no number.
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
    /// Phase 5: etcdutl/etcdctl snapshot restore into the scratch directory on every node, while etcd still serves.
    /// The tool checks etcd's hash of the db as it restores, so a bad copy refuses the restore with nothing changed.
    /// </summary>
    Restore,

    /// <summary>Phase 6, the point of no return, first part: stop kube-apiserver, then etcd.</summary>
    Stop,

    /// <summary>Phase 6, second part: the swap of member directories, renames only.</summary>
    Swap,

    /// <summary>Phase 7: start (or recreate) etcd and wait for a healthy cluster.</summary>
    StartEtcd,

    /// <summary>Phase 8: restart the kube components, flannel and calico, and start kube-apiserver.</summary>
    RestartComponents,

    /// <summary>No number: after a failure in phase 6 or 7, put the old data and containers back; the report follows.</summary>
    Rollback,

    /// <summary>Phase 9: the report of the run. It only assembles what the others recorded, so it has no entry in the report's phases.</summary>
    Report,
}
