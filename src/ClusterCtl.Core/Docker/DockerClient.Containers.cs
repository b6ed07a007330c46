using System.Globalization;
using System.Net;
using Api = Docker.DotNet;

namespace ClusterCtl.Docker;

// Container endpoints: create, start, stop, restart, rename, remove, wait, inspect, list, logs.
internal sealed partial class DockerClient
{
    /// <summary>Creates (does not start) a container and returns its id. A name already in use fails with HTTP 409.</summary>
    public async Task<string> CreateContainerAsync(string name, ContainerSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!ContainerNames.IsValid(name))
        {
            throw new ArgumentException($"'{name}' is not a valid container name.", nameof(name));
        }

        var created = await CallAsync($"create container {name}",
            (api, ct) => api.Containers.CreateContainerAsync(spec.ToCreateParameters(name), ct), cancellationToken);
        foreach (var warning in created.Warnings ?? [])
        {
            _logger.Debug("Docker on {Host} warned while creating {Container}: {DockerWarning}", Host, name, warning);
        }

        _logger.Debug("Created container {Container} ({ContainerId}) on {Host}", name, ShortId(created.ID), Host);
        return created.ID;
    }

    /// <summary>Starts a container; starting one that already runs is not an error.</summary>
    public async Task StartContainerAsync(string id, CancellationToken cancellationToken)
    {
        await CallAsync($"start container {id}", (api, ct) => api.Containers.StartContainerAsync(id, new(), ct), cancellationToken);
        _logger.Debug("Started container {Container} on {Host}", ShortId(id), Host);
    }

    /// <summary>
    /// Stops a container: SIGTERM, then SIGKILL after <paramref name="timeout"/>. Returns false when it was not running
    /// (HTTP 304), which is not an error: stopping is about the end state.
    /// </summary>
    public async Task<bool> StopContainerAsync(string id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var parameters = new Api.Models.ContainerStopParameters { WaitBeforeKillSeconds = Seconds(timeout) };
        var wasRunning = await CallAsync($"stop container {id}", RequestTimeout + timeout,
            (api, ct) => api.Containers.StopContainerAsync(id, parameters, ct), cancellationToken);
        _logger.Debug("Stopped container {Container} on {Host} (was running: {WasRunning})", ShortId(id), Host, wasRunning);
        return wasRunning;
    }

    /// <summary>Stops (SIGKILL after <paramref name="timeout"/>) and starts a container, running or not.</summary>
    public async Task RestartContainerAsync(string id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var parameters = new Api.Models.ContainerRestartParameters { WaitBeforeKillSeconds = Seconds(timeout) };
        await CallAsync($"restart container {id}", RequestTimeout + timeout, async (api, ct) =>
        {
            await api.Containers.RestartContainerAsync(id, parameters, ct);
            return true;
        }, cancellationToken);
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

        await CallAsync($"rename container {id} to {newName}",
            (api, ct) => api.Containers.RenameContainerAsync(id, new() { NewName = newName }, ct), cancellationToken);
        _logger.Debug("Renamed container {Container} to {NewName} on {Host}", ShortId(id), newName, Host);
    }

    /// <summary>Removes a container (and its anonymous volumes). Returns false when there was no such container.</summary>
    public async Task<bool> RemoveContainerAsync(string id, bool force, CancellationToken cancellationToken)
    {
        var existed = true;
        try
        {
            await CallAsync($"remove container {id}",
                (api, ct) => api.Containers.RemoveContainerAsync(id, new() { RemoveVolumes = true, Force = force }, ct), cancellationToken);
        }
        catch (DockerApiException e) when (IsNotFound(e))
        {
            existed = false;
        }

        _logger.Debug("Removed container {Container} on {Host} (existed: {Existed})", ShortId(id), Host, existed);
        return existed;
    }

    /// <summary>Waits, without a time limit of its own, until the container is not running, and returns its exit code.</summary>
    public async Task<long> WaitContainerAsync(string id, CancellationToken cancellationToken)
    {
        // Call this after start. The daemon's default condition, "not-running", returns at once for a container that
        // already exited (a quick helper may be gone before we ask) and otherwise when it stops. Asked before start it
        // would return at once, since a created container is not running. Start-then-wait has no window.
        var result = await StreamingCallAsync($"wait for container {id}", (api, ct) => api.Containers.WaitContainerAsync(id, ct), cancellationToken);
        if (!string.IsNullOrWhiteSpace(result.Error?.Message))
        {
            throw new DockerException(Host, $"docker on {Host}: waiting for container {id} failed: {result.Error.Message}");
        }

        return result.StatusCode;
    }

    /// <summary>Inspects a container by name or id; null when there is none.</summary>
    public async Task<ContainerDetails?> InspectContainerAsync(string nameOrId, CancellationToken cancellationToken)
    {
        try
        {
            var details = await CallAsync($"inspect container {nameOrId}",
                (api, ct) => api.Containers.InspectContainerAsync(nameOrId, ct), cancellationToken);
            return ContainerDetails.From(details);
        }
        catch (DockerApiException e) when (IsNotFound(e))
        {
            return null;
        }
    }

    /// <summary>Lists containers, running only or <paramref name="all"/>, matching every filter (e.g. label, name, status).</summary>
    public async Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(
        bool all, IReadOnlyDictionary<string, IReadOnlyList<string>>? filters, CancellationToken cancellationToken)
    {
        var parameters = new Api.Models.ContainersListParameters
        {
            All = all,
            // The API's filter shape: each key maps to the values that must all match, as a set.
            Filters = filters?.ToDictionary(f => f.Key, IDictionary<string, bool> (f) => f.Value.ToDictionary(v => v, _ => true)),
        };
        var containers = await CallAsync("list containers", (api, ct) => api.Containers.ListContainersAsync(parameters, ct), cancellationToken);
        return containers.Select(ContainerSummary.From).ToList();
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

    /// <summary>
    /// Everything a container wrote so far (no follow), each stream capped to its last <see cref="LogCaptureLimit"/> bytes.
    /// A container with a TTY has one raw stream, reported as stdout.
    /// </summary>
    public Task<ContainerOutput> GetContainerLogsAsync(string id, CancellationToken cancellationToken) =>
        StreamingCallAsync($"read the log stream of container {id}", async (api, ct) =>
        {
            using var logs = await api.Containers.GetContainerLogsAsync(id, new() { ShowStdout = true, ShowStderr = true }, ct);
            return await ReadOutputAsync(logs, ct);
        }, cancellationToken);

    /// <summary>Reads log or exec output to its end, stdout and stderr apart, keeping the newest bytes of each.</summary>
    private static async Task<ContainerOutput> ReadOutputAsync(Api.MultiplexedStream output, CancellationToken cancellationToken)
    {
        var stdout = new TailBuffer(LogCaptureLimit);
        var stderr = new TailBuffer(LogCaptureLimit);
        var buffer = new byte[64 * 1024];
        while (await output.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken) is { EOF: false } chunk)
        {
            var target = chunk.Target == Api.MultiplexedStream.TargetStream.StandardError ? stderr : stdout;
            target.Append(buffer.AsSpan(0, chunk.Count));
        }

        return new ContainerOutput(stdout.ToText(), stderr.ToText()) { Truncated = stdout.Truncated || stderr.Truncated };
    }

    /// <summary>The API takes whole seconds; round up so a sub-second timeout is not a kill.</summary>
    private static uint Seconds(TimeSpan timeout) => (uint)Math.Ceiling(Math.Max(0, timeout.TotalSeconds));
}
