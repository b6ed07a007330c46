namespace ClusterCtl.Etcd;

/// <summary>One node's member as <c>etcdctl endpoint status</c> and <c>endpoint health</c> saw it.</summary>
internal sealed record EtcdMemberObservation(string Host, EtcdEndpointStatus? Status, bool Healthy, string? Problem);
