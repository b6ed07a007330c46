using System.Text.Json.Serialization;

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

    /// <summary>Unix seconds, as the list endpoint reports it (inspect uses RFC 3339 instead).</summary>
    public long Created { get; init; }

    [JsonIgnore]
    public DateTimeOffset CreatedAt => DateTimeOffset.FromUnixTimeSeconds(Created);

    /// <summary>The container's own name without the slash (not a link alias).</summary>
    [JsonIgnore]
    public string Name => ContainerNames.PrimaryName(this);
}
