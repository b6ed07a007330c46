namespace ClusterCtl.Config;

/// <summary>A loaded, validated cluster.yml with RKE's defaults applied.</summary>
internal sealed record ClusterConfig(
    string SourcePath,
    string ClusterName,
    IReadOnlyList<ClusterNode> Nodes,
    string PrefixPath,
    bool SshAgentAuth,
    BastionHost? Bastion,
    IReadOnlyList<PrivateRegistry> PrivateRegistries,
    EtcdService Etcd,
    SystemImages Images)
{
    public IEnumerable<ClusterNode> EtcdNodes => Nodes.Where(n => n.IsEtcd);
    public IEnumerable<ClusterNode> ControlPlaneNodes => Nodes.Where(n => n.IsControlPlane);

    /// <summary>The <c>cluster.rkestate</c> RKE keeps beside the config.</summary>
    public string StateFilePath =>
        Path.Combine(Path.GetDirectoryName(SourcePath) ?? ".", Path.GetFileNameWithoutExtension(SourcePath) + ".rkestate");

    /// <summary>A host path with <c>prefix_path</c> applied, as RKE does for /etc/kubernetes, /var/lib/etcd and /opt/rke.</summary>
    public string HostPath(string absolutePath) =>
        PrefixPath == "/" ? absolutePath : PrefixPath.TrimEnd('/') + absolutePath;

    public string SnapshotDirectory => HostPath("/opt/rke/etcd-snapshots");
    public string EtcdDataDirectory => HostPath("/var/lib/etcd");
    public string KubernetesDirectory => HostPath("/etc/kubernetes");
}
