namespace ClusterCtl.Docker;

/// <summary>
/// What a container wrote. Each stream keeps only its last bytes (see <see cref="DockerClient.LogCaptureLimit"/>);
/// <see cref="Truncated"/> says that earlier output was dropped.
/// </summary>
internal sealed record ContainerOutput(string Stdout, string Stderr)
{
    public bool Truncated { get; init; }
}
