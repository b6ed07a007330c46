namespace ClusterCtl.Docker;

/// <summary>
/// How a one-shot helper, or a command exec'd in a running container, ended: its exit code and what it wrote (each
/// stream capped, see <see cref="ContainerOutput"/>).
/// </summary>
internal sealed record HelperResult(long ExitCode, string Stdout, string Stderr)
{
    /// <summary>The name the helper ran under (for an exec, the container it ran in), for messages.</summary>
    public string ContainerName { get; init; } = "";

    /// <summary>The helper wrote more than was kept; the beginning of its output is missing.</summary>
    public bool OutputTruncated { get; init; }

    public bool Succeeded => ExitCode == 0;

    /// <summary>The last non-empty line of stderr: where tools like etcdctl and sh say what went wrong.</summary>
    public string? LastErrorLine => LastLineOf(Stderr);

    public static string? LastLineOf(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
}
