using Api = Docker.DotNet;

namespace ClusterCtl.Docker;

/// <summary>The parts of <c>GET /images/{name}/json</c> that clusterctl uses.</summary>
internal sealed record ImageDetails
{
    public required string Id { get; init; }

    public IReadOnlyList<string>? RepoTags { get; init; }

    public long Size { get; init; }

    public DateTimeOffset Created { get; init; }

    public static ImageDetails From(Api.Models.ImageInspectResponse image) => new()
    {
        Id = image.ID,
        RepoTags = image.RepoTags?.ToList(),
        Size = image.Size,
        Created = image.Created is { } created ? DockerTime.From(created) : default,
    };
}
