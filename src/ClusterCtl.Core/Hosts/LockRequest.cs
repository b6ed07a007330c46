using ClusterCtl.Docker;

namespace ClusterCtl.Hosts;

/// <summary>What a run asks of <see cref="ClusterLock"/>: who it is, the image of the lock container and its pull credentials.</summary>
internal sealed record LockRequest(string RunId, string Command, string Image, RegistryAuth? RegistryAuth)
{
    /// <summary>Remove any lock first, whoever holds it (<c>--force-unlock</c>).</summary>
    public bool ForceUnlock { get; init; }
}
