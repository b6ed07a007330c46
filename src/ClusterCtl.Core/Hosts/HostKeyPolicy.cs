namespace ClusterCtl.Hosts;

internal enum HostKeyPolicy
{
    AcceptNew,
    Strict,
    Off,
}
