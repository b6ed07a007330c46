using Api = Docker.DotNet;

namespace ClusterCtl.Docker;

/// <summary>The parts of <c>GET /containers/{id}/json</c> that clusterctl uses.</summary>
internal sealed record ContainerDetails
{
    public required string Id { get; init; }

    /// <summary>The name with docker's leading slash, e.g. "/etcd".</summary>
    public string Name { get; init; } = "";

    public DateTimeOffset Created { get; init; }

    /// <summary>The executable that was run (entrypoint or command head).</summary>
    public string? Path { get; init; }

    public IReadOnlyList<string>? Args { get; init; }

    /// <summary>The image id ("sha256:..."); the name it was created from is in <see cref="Config"/>.</summary>
    public string? Image { get; init; }

    public ContainerState State { get; init; } = new();

    public ContainerConfig Config { get; init; } = new();

    public ContainerHostConfig HostConfig { get; init; } = new();

    public static ContainerDetails From(Api.Models.ContainerInspectResponse details) => new()
    {
        Id = details.ID,
        Name = details.Name ?? "",
        Created = DockerTime.From(details.Created),
        Path = details.Path,
        Args = details.Args?.ToList(),
        Image = details.Image,
        State = ContainerState.From(details.State),
        Config = ContainerConfig.From(details.Config),
        HostConfig = ContainerHostConfig.From(details.HostConfig),
    };
}
