namespace ClusterCtl.Config;

[Flags]
internal enum NodeRoles
{
    None = 0,
    Etcd = 1,
    ControlPlane = 2,
    Worker = 4,
}
