namespace ClusterCtl.Config;

/// <summary>One entry of <c>nodes[]</c> with RKE's defaults applied.</summary>
internal sealed record ClusterNode(
    string Address,
    int Port,
    string InternalAddress,
    string HostnameOverride,
    string User,
    string DockerSocket,
    NodeRoles Roles,
    SshCredentials Credentials)
{
    public bool IsEtcd => Roles.HasFlag(NodeRoles.Etcd);
    public bool IsControlPlane => Roles.HasFlag(NodeRoles.ControlPlane);
    public bool IsWorker => Roles.HasFlag(NodeRoles.Worker);

    /// <summary>The etcd member name RKE gives this node.</summary>
    public string EtcdMemberName => "etcd-" + HostnameOverride;

    /// <summary>RKE names per-node certificates after the internal address, dots as dashes, in lower case (an IPv6 address keeps its colons).</summary>
    public string EtcdCertificateBaseName => "kube-etcd-" + InternalAddress.Replace('.', '-').ToLowerInvariant();

    public string EtcdClientUrl => $"https://{FormatHost(InternalAddress)}:2379";
    public string EtcdPeerUrl => $"https://{FormatHost(InternalAddress)}:2380";

    private static string FormatHost(string address) => address.Contains(':', StringComparison.Ordinal) ? $"[{address}]" : address;
}
