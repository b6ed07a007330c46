using Api = Docker.DotNet;

namespace ClusterCtl.Docker;

/// <summary>The part of a container's HostConfig that clusterctl sets and reads back.</summary>
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

    public static ContainerHostConfig From(Api.Models.HostConfig? config) => config is null ? new() : new()
    {
        Binds = config.Binds?.ToList(),
        NetworkMode = config.NetworkMode,
        RestartPolicy = RestartPolicy.From(config.RestartPolicy),
        Privileged = config.Privileged,
        PidMode = config.PidMode,
        AutoRemove = config.AutoRemove,
    };

    // Null members are left out of the request, whatever the library's annotations say.
    public Api.Models.HostConfig ToApi() => new()
    {
        Binds = Binds?.ToList()!,
        NetworkMode = NetworkMode!,
        RestartPolicy = RestartPolicy?.ToApi()!,
        Privileged = Privileged,
        PidMode = PidMode!,
        AutoRemove = AutoRemove,
    };
}
