namespace ClusterCtl.Etcd;

/// <summary>One entry of <c>etcdctl member list</c>.</summary>
internal sealed record EtcdMember(ulong Id, string Name, IReadOnlyList<string> PeerUrls, IReadOnlyList<string> ClientUrls, bool IsLearner);
