namespace ClusterCtl.Docker;

/// <summary>
/// The part of a container's HostConfig that clusterctl sets and reads back. Property names are
/// the API's own (PascalCase) so the same type serves create bodies and inspect answers.
/// </summary>
internal sealed record ContainerHostConfig
{
    /// <summary>"host-path:container-path[:options]" entries.</summary>
    public IReadOnlyList<string>? Binds { get; init; }

    /// <summary>"host" for etcd and helpers that must reach the node's own addresses.</summary>
    public string? NetworkMode { get; init; }

    public RestartPolicy? RestartPolicy { get; init; }

    public bool Privileged { get; init; }

    public string? PidMode { get; init; }

    public bool AutoRemove { get; init; }
}
