namespace ClusterCtl.Hosts;

/// <summary>Which leg of a connection failed: the node itself, or the bastion in front of it.</summary>
internal enum SshHop
{
    Target,
    Bastion,
}
