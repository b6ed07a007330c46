namespace ClusterCtl.Restore;

/// <summary>What phase 7 does with a node's etcd container.</summary>
internal enum EtcdContainerAction
{
    /// <summary>It matches cluster.yml: start it as it is.</summary>
    StartAsIs,

    /// <summary>It differs: keep it as etcd-old-&lt;run&gt; and create a new one the way RKE builds it.</summary>
    Recreate,

    /// <summary>There is none: create one the way RKE builds it.</summary>
    Create,
}
