using System.Text.Json.Serialization;

namespace ClusterCtl.Docker;

/// <summary>
/// The body of <c>POST /containers/create</c>. Null members are left out of the JSON so the
/// image's own defaults (entrypoint, user, working dir) apply.
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
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool OpenStdin { get; init; }

    /// <summary>Close stdin when the attached client disconnects, so the process sees end-of-file.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool StdinOnce { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool AttachStdin { get; init; }

    public ContainerHostConfig? HostConfig { get; init; }
}
