using ClusterCtl.Config;
using ClusterCtl.Docker;

namespace ClusterCtl.Hosts;

/// <summary>A node we can work on: its config, its Docker daemon through the tunnel, and this run's helper runner.</summary>
internal sealed record NodeSession(ClusterNode Node, DockerClient Docker, HelperContainerRunner Helpers)
{
    public string Host => Node.Address;

    /// <summary>The helper containers of earlier runs that were removed when this node was attached.</summary>
    public IReadOnlyList<string> RemovedLeftoverHelpers { get; init; } = [];
}
