using Api = Docker.DotNet;

namespace ClusterCtl.Docker;

/// <summary>
/// What a container is created with. Null members are left out of the request, so the image's own defaults
/// (entrypoint, user, working dir) apply.
/// </summary>
internal sealed record ContainerSpec
{
    public required string Image { get; init; }

    public IReadOnlyList<string>? Cmd { get; init; }

    /// <summary>Null keeps the image's entrypoint; <c>[""]</c> clears it.</summary>
    public IReadOnlyList<string>? Entrypoint { get; init; }

    /// <summary>"NAME=value" entries.</summary>
    public IReadOnlyList<string>? Env { get; init; }

    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    public string? User { get; init; }

    public string? WorkingDir { get; init; }

    /// <summary>With a TTY, logs come back raw instead of multiplexed; helpers never ask for one.</summary>
    public bool Tty { get; init; }

    /// <summary>Keep stdin open so that a client can attach and stream into it (see <see cref="DockerClient.AttachStdinAsync"/>).</summary>
    public bool OpenStdin { get; init; }

    /// <summary>Close stdin when the attached client disconnects, so the process sees end-of-file.</summary>
    public bool StdinOnce { get; init; }

    public bool AttachStdin { get; init; }

    public ContainerHostConfig? HostConfig { get; init; }

    // The library declares these members non-null, but leaves a null one out of the request: the image's default.
    public Api.Models.CreateContainerParameters ToCreateParameters(string name) => new()
    {
        Name = name,
        Image = Image,
        Cmd = Cmd?.ToList()!,
        Entrypoint = Entrypoint?.ToList()!,
        Env = Env?.ToList()!,
        Labels = Labels?.ToDictionary()!,
        User = User!,
        WorkingDir = WorkingDir!,
        Tty = Tty,
        OpenStdin = OpenStdin,
        StdinOnce = StdinOnce,
        AttachStdin = AttachStdin,
        HostConfig = HostConfig?.ToApi(),
    };
}
