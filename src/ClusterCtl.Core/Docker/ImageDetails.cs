namespace ClusterCtl.Docker;

/// <summary>The parts of <c>GET /images/{name}/json</c> that clusterctl uses.</summary>
internal sealed record ImageDetails
{
    public required string Id { get; init; }

    public IReadOnlyList<string>? RepoTags { get; init; }

    public long Size { get; init; }

    public DateTimeOffset Created { get; init; }
}
