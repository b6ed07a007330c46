namespace ClusterCtl.Docker;

/// <summary>A container's restart policy; <see cref="Name"/> is "no", "always", "unless-stopped" or "on-failure".</summary>
internal sealed record RestartPolicy
{
    public static readonly RestartPolicy Always = new() { Name = "always" };

    public string? Name { get; init; }

    public int MaximumRetryCount { get; init; }
}
