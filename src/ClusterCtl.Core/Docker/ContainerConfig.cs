using Api = Docker.DotNet;

namespace ClusterCtl.Docker;

/// <summary>The Config block of a container inspect: what the container was created with.</summary>
internal sealed record ContainerConfig
{
    public string Image { get; init; } = "";

    public IReadOnlyList<string>? Cmd { get; init; }

    public IReadOnlyList<string>? Entrypoint { get; init; }

    public IReadOnlyList<string>? Env { get; init; }

    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    public string? User { get; init; }

    public string? WorkingDir { get; init; }

    public bool Tty { get; init; }

    public static ContainerConfig From(Api.Models.ContainerConfig? config) => config is null ? new() : new()
    {
        Image = config.Image ?? "",
        Cmd = config.Cmd?.ToList(),
        Entrypoint = config.Entrypoint?.ToList(),
        Env = config.Env?.ToList(),
        Labels = config.Labels?.ToDictionary(),
        User = config.User,
        WorkingDir = config.WorkingDir,
        Tty = config.Tty,
    };
}
