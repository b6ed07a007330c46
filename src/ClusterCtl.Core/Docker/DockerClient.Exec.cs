namespace ClusterCtl.Docker;

// Exec endpoints: one command in a container that already runs.
internal sealed partial class DockerClient
{
    /// <summary>
    /// Runs <paramref name="cmd"/> in the running container <paramref name="container"/> (no tty, no stdin), waits for it
    /// to exit and returns its exit code and output. <paramref name="env"/> is added to the container's environment and
    /// wins over it. A container that is not running fails with HTTP 409, a missing one with 404.
    /// </summary>
    /// <remarks>
    /// A process started in an existing container costs a fraction of a new container's namespaces and cgroups,
    /// which is what makes it worth having next to the one-shot helpers.
    /// </remarks>
    public async Task<HelperResult> ExecAsync(string container, IReadOnlyList<string> cmd, IReadOnlyList<string>? env, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cmd);
        var operation = $"exec in container {container}";
        var created = await CallAsync(operation, (api, ct) => api.Exec.CreateContainerExecAsync(container, new()
        {
            AttachStdout = true,
            AttachStderr = true,
            Cmd = [.. cmd],
            Env = env is null ? null : [.. env],
        }, ct), cancellationToken);

        // Not detached: the daemon streams the output and closes it when the process exits, so reading to the end is
        // waiting for the exit.
        var output = await StreamingCallAsync(operation, async (api, ct) =>
        {
            using var stream = await api.Exec.StartContainerExecAsync(created.ID, new() { Detach = false, TTY = false }, ct);
            return await ReadOutputAsync(stream, ct);
        }, cancellationToken);

        var details = await CallAsync(operation, (api, ct) => api.Exec.InspectContainerExecAsync(created.ID, ct), cancellationToken);
        if (details.Running || details.ExitCode is not { } exitCode)
        {
            throw new DockerException(Host, $"docker on {Host}: the exec in container {container} ended its output but has no exit code");
        }

        return new HelperResult(exitCode, output.Stdout, output.Stderr) { ContainerName = container, OutputTruncated = output.Truncated };
    }
}
