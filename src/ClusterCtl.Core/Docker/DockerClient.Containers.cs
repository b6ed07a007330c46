using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Http.Json;
using System.Text;

namespace ClusterCtl.Docker;

// Container endpoints: create, start, stop, restart, rename, remove, wait, inspect, list, logs.
internal sealed partial class DockerClient
{
    private static readonly HttpStatusCode[] NotModified = [HttpStatusCode.NotModified];
    private static readonly HttpStatusCode[] NotFound = [HttpStatusCode.NotFound];

    /// <summary>Creates (does not start) a container and returns its id. A name already in use fails with HTTP 409.</summary>
    public async Task<string> CreateContainerAsync(string name, ContainerSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!ContainerNames.IsValid(name))
        {
            throw new ArgumentException($"'{name}' is not a valid container name.", nameof(name));
        }

        var path = await ApiPathAsync($"/containers/create?name={Escape(name)}", cancellationToken);
        var created = await WithTimeoutAsync($"create container {name}", RequestTimeout, async ct =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path)
            {
                Content = JsonContent.Create(spec, DockerJsonContext.Default.ContainerSpec),
            };
            using var response = await SendAsync(request, null, ct);
            return await ReadJsonAsync(response, DockerJsonContext.Default.CreateContainerResponse, $"create container {name}", ct);
        }, cancellationToken);

        foreach (var warning in created.Warnings ?? [])
        {
            _logger.Debug("Docker on {Host} warned while creating {Container}: {DockerWarning}", Host, name, warning);
        }

        _logger.Debug("Created container {Container} ({ContainerId}) on {Host}", name, ShortId(created.Id), Host);
        return created.Id;
    }

    /// <summary>Starts a container; starting one that already runs is not an error.</summary>
    public async Task StartContainerAsync(string id, CancellationToken cancellationToken)
    {
        var path = await ApiPathAsync($"/containers/{Escape(id)}/start", cancellationToken);
        await PostAsync($"start container {id}", path, RequestTimeout, NotModified, cancellationToken);
        _logger.Debug("Started container {Container} on {Host}", ShortId(id), Host);
    }

    /// <summary>
    /// Stops a container: SIGTERM, then SIGKILL after <paramref name="timeout"/>. Returns false when it was not running
    /// (HTTP 304), which is not an error: stopping is about the end state.
    /// </summary>
    public async Task<bool> StopContainerAsync(string id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var path = await ApiPathAsync($"/containers/{Escape(id)}/stop?t={Seconds(timeout)}", cancellationToken);
        var status = await PostAsync($"stop container {id}", path, timeout + RequestTimeout, NotModified, cancellationToken);
        _logger.Debug("Stopped container {Container} on {Host} (was running: {WasRunning})", ShortId(id), Host, status != HttpStatusCode.NotModified);
        return status != HttpStatusCode.NotModified;
    }

    /// <summary>Stops (SIGKILL after <paramref name="timeout"/>) and starts a container, running or not.</summary>
    public async Task RestartContainerAsync(string id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var path = await ApiPathAsync($"/containers/{Escape(id)}/restart?t={Seconds(timeout)}", cancellationToken);
        await PostAsync($"restart container {id}", path, timeout + RequestTimeout, null, cancellationToken);
        _logger.Debug("Restarted container {Container} on {Host}", ShortId(id), Host);
    }

    /// <summary>
    /// Renames a container. The restore uses it to keep the original etcd container (as <c>etcd-old-&lt;run&gt;</c>)
    /// while a new one runs under its name, so that a rollback can put the original back exactly.
    /// </summary>
    public async Task RenameContainerAsync(string id, string newName, CancellationToken cancellationToken)
    {
        if (!ContainerNames.IsValid(newName))
        {
            throw new ArgumentException($"'{newName}' is not a valid container name.", nameof(newName));
        }

        var path = await ApiPathAsync($"/containers/{Escape(id)}/rename?name={Escape(newName)}", cancellationToken);
        await PostAsync($"rename container {id} to {newName}", path, RequestTimeout, null, cancellationToken);
        _logger.Debug("Renamed container {Container} to {NewName} on {Host}", ShortId(id), newName, Host);
    }

    /// <summary>Removes a container (and its anonymous volumes). Returns false when there was no such container.</summary>
    public async Task<bool> RemoveContainerAsync(string id, bool force, CancellationToken cancellationToken)
    {
        var path = await ApiPathAsync($"/containers/{Escape(id)}?v=true&force={(force ? "true" : "false")}", cancellationToken);
        var status = await WithTimeoutAsync($"remove container {id}", RequestTimeout, async ct =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Delete, path);
            using var response = await SendAsync(request, NotFound, ct);
            return response.StatusCode;
        }, cancellationToken);
        _logger.Debug("Removed container {Container} on {Host} (existed: {Existed})", ShortId(id), Host, status != HttpStatusCode.NotFound);
        return status != HttpStatusCode.NotFound;
    }

    /// <summary>Waits, without a time limit of its own, until the container is not running, and returns its exit code.</summary>
    public async Task<long> WaitContainerAsync(string id, CancellationToken cancellationToken)
    {
        // Call this after start. "not-running" returns at once for a container that already exited (a quick helper may
        // be gone before we ask) and otherwise when it stops. Asked before start it would return at once, since a
        // created container is not running; that ordering needs "next-exit", which in turn hangs forever if asked after
        // the container already exited. Start-then-wait with "not-running" has no window.
        var path = await ApiPathAsync($"/containers/{Escape(id)}/wait?condition=not-running", cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        using var response = await SendAsync(request, null, cancellationToken);
        var result = await ReadJsonAsync(response, DockerJsonContext.Default.WaitContainerResponse, $"wait for container {id}", cancellationToken);
        if (!string.IsNullOrWhiteSpace(result.Error?.Message))
        {
            throw new DockerException(Host, $"docker on {Host}: waiting for container {id} failed: {result.Error.Message}");
        }

        return result.StatusCode;
    }

    /// <summary>Inspects a container by name or id; null when there is none.</summary>
    public async Task<ContainerDetails?> InspectContainerAsync(string nameOrId, CancellationToken cancellationToken)
    {
        var path = await ApiPathAsync($"/containers/{Escape(nameOrId)}/json", cancellationToken);
        return await GetJsonOrNullAsync(path, DockerJsonContext.Default.ContainerDetails, cancellationToken);
    }

    /// <summary>Lists containers, running only or <paramref name="all"/>, matching every filter (e.g. label, name, status).</summary>
    public async Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(
        bool all, IReadOnlyDictionary<string, IReadOnlyList<string>>? filters, CancellationToken cancellationToken)
    {
        var query = new StringBuilder(all ? "?all=true" : "?all=false");
        var filterParameter = DockerFilters.ToQueryParameter(filters);
        if (filterParameter.Length > 0)
        {
            query.Append('&').Append(filterParameter);
        }

        var path = await ApiPathAsync("/containers/json" + query, cancellationToken);
        return await GetJsonAsync(path, DockerJsonContext.Default.IReadOnlyListContainerSummary, cancellationToken);
    }

    /// <summary>
    /// The container with exactly this name, in any state, or null. Docker's name filter matches substrings, so
    /// the filter is anchored and every result is checked again (<see cref="ContainerNames"/>).
    /// </summary>
    public async Task<ContainerSummary?> FindContainerByNameAsync(string exactName, CancellationToken cancellationToken)
    {
        var filters = new Dictionary<string, IReadOnlyList<string>> { ["name"] = [ContainerNames.ExactNameFilter(exactName)] };
        var candidates = await ListContainersAsync(all: true, filters, cancellationToken);
        return candidates.FirstOrDefault(c => ContainerNames.HasExactName(c, exactName));
    }

    /// <summary>Everything a (finished) container wrote, learning from an inspect whether its output is raw (TTY) or multiplexed.</summary>
    public async Task<ContainerOutput> GetContainerLogsAsync(string id, CancellationToken cancellationToken)
    {
        var details = await InspectContainerAsync(id, cancellationToken)
            ?? throw new DockerApiException(Host, HttpStatusCode.NotFound, $"No such container: {id}");
        return await GetContainerLogsAsync(id, details.Config.Tty, cancellationToken);
    }

    /// <summary>
    /// Everything a container wrote so far (no follow), each stream capped to its last <see cref="LogCaptureLimit"/> bytes.
    /// With <paramref name="tty"/> the daemon sends one raw stream, reported as stdout.
    /// </summary>
    public async Task<ContainerOutput> GetContainerLogsAsync(string id, bool tty, CancellationToken cancellationToken)
    {
        var path = await ApiPathAsync($"/containers/{Escape(id)}/logs?stdout=true&stderr=true", cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await SendAsync(request, null, cancellationToken);
        return await ReadOutputAsync(response, tty, $"the log stream of container {id}", cancellationToken);
    }

    /// <summary>Reads a log or exec output body to its end, stdout and stderr apart unless <paramref name="tty"/>.</summary>
    private async Task<ContainerOutput> ReadOutputAsync(HttpResponseMessage response, bool tty, string what, CancellationToken cancellationToken)
    {
        var stdout = new TailBuffer(LogCaptureLimit);
        var stderr = new TailBuffer(LogCaptureLimit);
        var daemonError = new TailBuffer(4096);
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[64 * 1024];
            if (tty)
            {
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    stdout.Append(buffer.AsSpan(0, read));
                }
            }
            else
            {
                var reader = new MultiplexedStreamReader(body);
                while (await reader.ReadAsync(buffer, cancellationToken) is { } chunk)
                {
                    var target = chunk.Kind switch
                    {
                        StdStreamKind.Stderr => stderr,
                        StdStreamKind.SystemError => daemonError,
                        _ => stdout,
                    };
                    target.Append(buffer.AsSpan(0, chunk.Length));
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw new DockerException(Host, $"docker on {Host}: {what} is malformed: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw new DockerException(Host, $"docker on {Host}: {what} broke off: {e.Message}", e);
        }

        if (daemonError.TotalBytes > 0)
        {
            throw new DockerApiException(Host, HttpStatusCode.OK, daemonError.ToText().Trim());
        }

        return new ContainerOutput(stdout.ToText(), stderr.ToText()) { Truncated = stdout.Truncated || stderr.Truncated };
    }

    private Task<HttpStatusCode> PostAsync(
        string operation, string path, TimeSpan budget, IReadOnlyCollection<HttpStatusCode>? alsoAccepted, CancellationToken cancellationToken) =>
        WithTimeoutAsync(operation, budget, async ct =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path);
            using var response = await SendAsync(request, alsoAccepted, ct);
            return response.StatusCode;
        }, cancellationToken);

    /// <summary>The API takes whole seconds; round up so a sub-second timeout is not a kill.</summary>
    private static string Seconds(TimeSpan timeout) =>
        ((long)Math.Ceiling(Math.Max(0, timeout.TotalSeconds))).ToString(CultureInfo.InvariantCulture);
}
