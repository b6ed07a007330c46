using System.Net.Http.Json;

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
        var createPath = await ApiPathAsync($"/containers/{Escape(container)}/exec", cancellationToken);
        var created = await WithTimeoutAsync($"exec in container {container}", RequestTimeout, async ct =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, createPath)
            {
                Content = JsonContent.Create(new ExecCreateRequest(true, true, cmd, env), DockerJsonContext.Default.ExecCreateRequest),
            };
            using var response = await SendAsync(request, null, ct);
            return await ReadJsonAsync(response, DockerJsonContext.Default.ExecCreateResponse, $"exec in container {container}", ct);
        }, cancellationToken);

        // Not detached: the daemon streams the multiplexed output as the body and closes the connection when the
        // process exits, so reading to the end is waiting for the exit.
        var startPath = await ApiPathAsync($"/exec/{Escape(created.Id)}/start", cancellationToken);
        using var start = new HttpRequestMessage(HttpMethod.Post, startPath)
        {
            Content = JsonContent.Create(new ExecStartRequest(false, false), DockerJsonContext.Default.ExecStartRequest),
        };
        using var started = await SendAsync(start, null, cancellationToken);
        var output = await ReadOutputAsync(started, tty: false, $"the output of an exec in container {container}", cancellationToken);

        var inspectPath = await ApiPathAsync($"/exec/{Escape(created.Id)}/json", cancellationToken);
        var details = await GetJsonAsync(inspectPath, DockerJsonContext.Default.ExecDetails, cancellationToken);
        if (details.Running || details.ExitCode is not { } exitCode)
        {
            throw new DockerException(Host, $"docker on {Host}: the exec in container {container} ended its output but has no exit code");
        }

        return new HelperResult(exitCode, output.Stdout, output.Stderr) { ContainerName = container, OutputTruncated = output.Truncated };
    }
}
