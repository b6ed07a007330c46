using Api = Docker.DotNet;

namespace ClusterCtl.Docker;

/// <summary>One entry of <c>GET /containers/json</c>.</summary>
internal sealed record ContainerSummary
{
    public required string Id { get; init; }

    /// <summary>Names with docker's leading slash; links add entries like "/other/alias".</summary>
    public IReadOnlyList<string> Names { get; init; } = [];

    public string? Image { get; init; }

    /// <summary>"created", "running", "exited", ...</summary>
    public string? State { get; init; }

    /// <summary>Human-readable, e.g. "Exited (3) 2 minutes ago".</summary>
    public string? Status { get; init; }

    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The container's own name without the slash (not a link alias).</summary>
    public string Name => ContainerNames.PrimaryName(this);

    public static ContainerSummary From(Api.Models.ContainerListResponse container) => new()
    {
        Id = container.ID,
        Names = container.Names?.ToList() ?? [],
        Image = container.Image,
        State = container.State,
        Status = container.Status,
        Labels = container.Labels?.ToDictionary(),
        CreatedAt = DockerTime.From(container.Created),
    };
}
