namespace ClusterCtl.Etcd;

/// <summary>What <c>etcdctl endpoint status</c> says about one member.</summary>
internal sealed record EtcdEndpointStatus(
    string Endpoint,
    ulong ClusterId,
    ulong MemberId,
    ulong LeaderId,
    long Revision,
    ulong RaftTerm,
    string Version,
    long DbSizeBytes)
{
    public bool IsLeader => MemberId != 0 && MemberId == LeaderId;

    /// <summary>etcdctl's table form of member ids: lowercase hex.</summary>
    public static string FormatId(ulong id) => id.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
}
