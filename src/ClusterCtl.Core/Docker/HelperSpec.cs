namespace ClusterCtl.Docker;

/// <summary>What a one-shot or long-lived helper container runs. Secrets belong in files, never in Cmd or Env.</summary>
internal sealed record HelperSpec
{
    /// <summary>What the helper is for, e.g. "etcd-snapshot-once"; the name becomes "&lt;purpose&gt;-&lt;short run id&gt;".</summary>
    public required string Purpose { get; init; }

    /// <summary>An exact container name instead of the one made from <see cref="Purpose"/>.</summary>
    public string? Name { get; init; }

    public required string Image { get; init; }

    /// <summary>Credentials for pulling <see cref="Image"/> when the host does not have it.</summary>
    public RegistryAuth? RegistryAuth { get; init; }

    public IReadOnlyList<string> Cmd { get; init; } = [];

    /// <summary>Null keeps the image's entrypoint.</summary>
    public IReadOnlyList<string>? Entrypoint { get; init; }

    /// <summary>"NAME=value" entries.</summary>
    public IReadOnlyList<string>? Env { get; init; }

    /// <summary>"host-path:container-path[:options]" entries.</summary>
    public IReadOnlyList<string>? Binds { get; init; }

    /// <summary>"host" to use the node's network namespace (etcd endpoints on the node's addresses).</summary>
    public string? NetworkMode { get; init; }

    public bool Privileged { get; init; }

    public string? User { get; init; }

    /// <summary>Give the helper a stdin to stream into (<see cref="HelperContainerRunner.RunWithStdinAsync"/>).</summary>
    public bool OpenStdin { get; init; }

    /// <summary>
    /// While <see cref="HelperContainerRunner.ShareContainers"/> is in effect, the command may run as an exec in a
    /// long-lived container of the same image and settings instead of in a container of its own. Only for images with
    /// a shell to idle in, and commands that want nothing else of a container (no stdin, no exit of PID 1).
    /// </summary>
    public bool Shareable { get; init; }
}
