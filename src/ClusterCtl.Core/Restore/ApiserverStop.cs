using ClusterCtl.Hosts;

namespace ClusterCtl.Restore;

/// <summary>A kube-apiserver container that the point of no return stopped; a rollback starts exactly these again.</summary>
internal sealed record ApiserverStop(NodeSession Session, string ContainerId);
