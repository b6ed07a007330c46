using System.Text;
using Serilog;

namespace ClusterCtl.Docker;

/// <summary>
/// Runs clusterctl's helper containers on one host for one run. All host-side work happens in such
/// containers, so the SSH user needs docker access and nothing more. Every helper carries the run's labels
/// and is removed when it is done: on success, on failure and on cancellation. What a crashed run left
/// behind is removed by <see cref="RemoveLeftoversAsync"/> at the start of the next.
/// </summary>
internal sealed class HelperContainerRunner
{
    /// <summary>Removal gets its own budget: it must run even when the run's token is already cancelled.</summary>
    public static readonly TimeSpan RemovalTimeout = TimeSpan.FromSeconds(30);

    private const int ShortRunIdLength = 12;

    private readonly DockerClient _docker;
    private readonly ILogger _logger;
    private SharedHelperContainers? _shared;
    private bool _runHoldsLock;

    public HelperContainerRunner(DockerClient docker, string runId, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(docker);
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentNullException.ThrowIfNull(logger);
        _docker = docker;
        RunId = runId;
        ShortRunId = Shorten(runId);
        _logger = logger;
    }

    public string RunId { get; }

    /// <summary>The run id as it appears in helper names: lower-case letters and digits, its last 12.</summary>
    public string ShortRunId { get; }

    public string Host => _docker.Host;

    /// <summary>The container name for a helper: the exact <see cref="HelperSpec.Name"/>, or "&lt;purpose&gt;-&lt;short run id&gt;".</summary>
    public string NameFor(HelperSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var name = spec.Name ?? $"{spec.Purpose}-{ShortRunId}";
        return ContainerNames.IsValid(name)
            ? name
            : throw new ArgumentException($"'{name}' is not a valid container name (letters, digits, '_', '.', '-').", nameof(spec));
    }

    /// <summary>
    /// Runs a helper to completion: ensure the image (never pulling one that is present), create, start, wait,
    /// collect its output, and always remove it; or, for a <see cref="HelperSpec.Shareable"/> spec while
    /// <see cref="ShareContainers"/> is in effect, an exec in a shared container. A non-zero exit is returned, not
    /// thrown; see <see cref="RunAndRequireSuccessAsync"/>.
    /// </summary>
    public Task<HelperResult> RunAsync(HelperSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Shareable && _shared is { } shared ? shared.RunAsync(spec, cancellationToken) : RunAloneAsync(spec, cancellationToken);
    }

    /// <summary>
    /// Until the result is disposed, <see cref="HelperSpec.Shareable"/> helpers run as execs in long-lived containers
    /// (see <see cref="SharedHelperContainers"/>), which disposing removes. Within an outer call, a no-op.
    /// </summary>
    public IAsyncDisposable ShareContainers()
    {
        var shared = new SharedHelperContainers(this, _docker, _logger, () => Interlocked.Exchange(ref _shared, null));
        return Interlocked.CompareExchange(ref _shared, shared, null) is null ? shared : NoScope.Instance;
    }

    /// <summary>While <see cref="ShareContainers"/> is in effect, starts the shared container for <paramref name="spec"/> in the background.</summary>
    public void PrepareShared(HelperSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Shareable && _shared is { } shared)
        {
            shared.Prepare(spec);
        }
    }

    /// <summary>The helper in a container of its own, whatever the spec allows.</summary>
    internal async Task<HelperResult> RunAloneAsync(HelperSpec spec, CancellationToken cancellationToken)
    {
        var name = NameFor(spec);
        await _docker.EnsureImageAsync(spec.Image, spec.RegistryAuth, cancellationToken);
        var id = await CreateAsync(name, spec, cancellationToken);
        try
        {
            _logger.Debug("Running helper {Container} on {Host}: {Command}", name, Host, string.Join(' ', spec.Cmd));
            await _docker.StartContainerAsync(id, cancellationToken);
            var exitCode = await _docker.WaitContainerAsync(id, cancellationToken);
            var output = await _docker.GetContainerLogsAsync(id, cancellationToken);
            _logger.Debug("Helper {Container} on {Host} exited with {ExitCode}", name, Host, exitCode);
            return new HelperResult(exitCode, output.Stdout, output.Stderr) { ContainerName = name, OutputTruncated = output.Truncated };
        }
        finally
        {
            await RemoveQuietlyAsync(_docker, id, name, RemovalTimeout, _logger);
        }
    }

    /// <summary>
    /// Runs a clean-up helper (removing what a failed or finished run left) within <see cref="RemovalTimeout"/>, on no
    /// token of the caller's: clean-up also runs after a cancellation. Never throws; returns null when it succeeded,
    /// else why not, for the caller to warn with.
    /// </summary>
    public async Task<string?> TryCleanUpAsync(HelperSpec spec)
    {
        using var timeout = new CancellationTokenSource(RemovalTimeout);
        try
        {
            var result = await RunAsync(spec, timeout.Token);
            return result.Succeeded ? null : result.LastErrorLine ?? $"exit code {result.ExitCode}";
        }
        catch (Exception e) when (e is ClusterCtlException or OperationCanceledException)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// Runs a helper whose stdin receives what <paramref name="writeStdin"/> writes, e.g. <c>cat &gt; file</c>.
    /// Unlike an archive PUT this needs no length up front, so a file can be streamed while it is being made.
    /// The helper is attached before it starts, so not a byte is lost, and is always removed.
    /// <paramref name="afterStdin"/>, when given, runs once stdin is closed and before the helper is waited for, with
    /// the container's id: a way to hand the still-running helper what was learnt while streaming (archive PUT).
    /// </summary>
    public async Task<HelperResult> RunWithStdinAsync(
        HelperSpec spec, Func<Stream, CancellationToken, Task> writeStdin, CancellationToken cancellationToken, Func<string, CancellationToken, Task>? afterStdin = null)
    {
        ArgumentNullException.ThrowIfNull(writeStdin);
        var name = NameFor(spec);
        await _docker.EnsureImageAsync(spec.Image, spec.RegistryAuth, cancellationToken);
        var id = await CreateAsync(name, spec with { OpenStdin = true }, cancellationToken);
        try
        {
            await using (var stdin = await _docker.AttachStdinAsync(id, cancellationToken))
            {
                await _docker.StartContainerAsync(id, cancellationToken);
                await writeStdin(stdin, cancellationToken);
            }

            if (afterStdin is not null)
            {
                await afterStdin(id, cancellationToken);
            }

            var exitCode = await _docker.WaitContainerAsync(id, cancellationToken);
            var output = await _docker.GetContainerLogsAsync(id, cancellationToken);
            return new HelperResult(exitCode, output.Stdout, output.Stderr) { ContainerName = name, OutputTruncated = output.Truncated };
        }
        finally
        {
            await RemoveQuietlyAsync(_docker, id, name, RemovalTimeout, _logger);
        }
    }

    /// <summary>Like <see cref="RunAsync"/>, but a non-zero exit throws <see cref="HelperFailedException"/> quoting stderr.</summary>
    public async Task<HelperResult> RunAndRequireSuccessAsync(HelperSpec spec, CancellationToken cancellationToken)
    {
        var result = await RunAsync(spec, cancellationToken);
        return result.Succeeded ? result : throw new HelperFailedException(Host, result.ContainerName, result.ExitCode, result.Stderr);
    }

    /// <summary>
    /// Starts a long-lived helper and hands it over; disposing the result removes it. The command must keep it
    /// running (and should exit on SIGTERM, e.g. <c>sh -c 'trap "exit 0" TERM; sleep 1000000 &amp; wait'</c>).
    /// </summary>
    public async Task<RunningHelper> StartAsync(HelperSpec spec, CancellationToken cancellationToken)
    {
        var name = NameFor(spec);
        await _docker.EnsureImageAsync(spec.Image, spec.RegistryAuth, cancellationToken);
        var id = await CreateAsync(name, spec, cancellationToken);
        var helper = new RunningHelper(_docker, id, name, _logger, RemovalTimeout);
        try
        {
            await _docker.StartContainerAsync(id, cancellationToken);
            _logger.Debug("Started helper {Container} on {Host}", name, Host);
            return helper;
        }
        catch
        {
            await helper.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Set once the run holds the cluster lock: helpers made from then on are the locked run's. Until then they are
    /// labelled <see cref="HelperLabels.ReadOnlyRun"/>, and another run's sweep leaves them alone while we live.
    /// </summary>
    public bool RunHoldsLock
    {
        get => Volatile.Read(ref _runHoldsLock);
        set => Volatile.Write(ref _runHoldsLock, value);
    }

    /// <summary>
    /// Whether a helper container is a leftover for a run that holds the cluster lock: any other run's helper, except
    /// one of a read-only run whose owner may still be running (unless <paramref name="includeLiveReadOnlyRuns"/>).
    /// A helper of a run that held the lock is a leftover, because holding it now means that run no longer does.
    /// </summary>
    public bool IsLeftover(ContainerSummary helper, bool includeLiveReadOnlyRuns)
    {
        ArgumentNullException.ThrowIfNull(helper);
        if (helper.Labels?.GetValueOrDefault(HelperLabels.RunId) == RunId)
        {
            return false;
        }

        return includeLiveReadOnlyRuns
            || helper.Labels?.GetValueOrDefault(HelperLabels.ReadOnlyRun) != "true"
            || RunOwner.FromLabels(helper.Labels) is { } owner && owner.IsProvablyGone();
    }

    /// <summary>
    /// Force-removes the helper containers (any state) that <see cref="IsLeftover"/> calls leftovers, i.e. left by a
    /// crashed or killed run, and returns their names. Call it only while holding the cluster lock.
    /// </summary>
    public async Task<IReadOnlyList<string>> RemoveLeftoversAsync(bool includeLiveReadOnlyRuns, CancellationToken cancellationToken)
    {
        var filters = new Dictionary<string, IReadOnlyList<string>> { ["label"] = [HelperLabels.Helper] };
        var helpers = await _docker.ListContainersAsync(all: true, filters, cancellationToken);
        var removed = new List<string>();
        foreach (var helper in helpers)
        {
            var runId = helper.Labels?.GetValueOrDefault(HelperLabels.RunId);
            if (!IsLeftover(helper, includeLiveReadOnlyRuns))
            {
                if (runId != RunId)
                {
                    _logger.Information("Kept helper container {Container} on {Host}: read-only run {OtherRunId} ({Owner}) may still be running",
                        helper.Name, Host, runId ?? "unknown", RunOwner.FromLabels(helper.Labels)?.Display ?? "unknown owner");
                }

                continue;
            }

            try
            {
                if (await _docker.RemoveContainerAsync(helper.Id, force: true, cancellationToken))
                {
                    _logger.Information("Removed leftover helper container {Container} ({State}) of run {LeftoverRunId} on {Host}",
                        helper.Name, helper.State, runId ?? "unknown", Host);
                    removed.Add(helper.Name);
                }
            }
            catch (DockerApiException e)
            {
                // One stuck container (e.g. "removal already in progress") must not stop this run: its own helpers
                // have other names. An unreachable daemon still fails, as DockerException.
                _logger.Warning("Could not remove leftover helper container {Container} on {Host}: {Error}", helper.Name, Host, e.Message);
            }
        }

        return removed;
    }

    /// <summary>Removes a container and only logs a failure: cleanup must not hide the error that led to it.</summary>
    internal static async Task RemoveQuietlyAsync(DockerClient docker, string id, string name, TimeSpan timeout, ILogger logger)
    {
        using var removal = new CancellationTokenSource(timeout);
        try
        {
            await docker.RemoveContainerAsync(id, force: true, removal.Token);
        }
        catch (Exception e) when (e is DockerException or OperationCanceledException)
        {
            logger.Warning("Could not remove helper container {Container} on {Host}; the next run removes it: {Error}",
                name, docker.Host, e.Message);
        }
    }

    private static string Shorten(string runId)
    {
        var letters = new StringBuilder(runId.Length);
        foreach (var c in runId.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                letters.Append(c);
            }
        }

        // The end of an id varies fastest (timestamps end in seconds, random ids are random throughout).
        return letters.Length <= ShortRunIdLength ? letters.ToString() : letters.ToString(letters.Length - ShortRunIdLength, ShortRunIdLength);
    }

    private ContainerSpec ToContainerSpec(HelperSpec spec) => new()
    {
        Image = spec.Image,
        Cmd = spec.Cmd,
        Entrypoint = spec.Entrypoint,
        Env = spec.Env,
        User = spec.User,
        OpenStdin = spec.OpenStdin,
        StdinOnce = spec.OpenStdin,
        AttachStdin = spec.OpenStdin,
        Labels = Labels(spec),
        HostConfig = new ContainerHostConfig
        {
            Binds = spec.Binds,
            NetworkMode = spec.NetworkMode,
            Privileged = spec.Privileged,
        },
    };

    private Dictionary<string, string> Labels(HelperSpec spec)
    {
        var labels = new Dictionary<string, string>(RunOwner.Current.ToLabels(), StringComparer.Ordinal)
        {
            [HelperLabels.Helper] = "true",
            [HelperLabels.RunId] = RunId,
            [HelperLabels.Purpose] = spec.Purpose,
        };
        if (!RunHoldsLock)
        {
            labels[HelperLabels.ReadOnlyRun] = "true";
        }

        return labels;
    }

    private async Task<string> CreateAsync(string name, HelperSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            return await _docker.CreateContainerAsync(name, ToContainerSpec(spec), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Cancelled mid-request: the daemon may have created it anyway. Remove it if, and only if, it is ours.
            await RemoveIfOursAsync(_docker, name, RunId, _logger);
            throw;
        }
    }

    private const int LateCreateChecks = 6;
    private static readonly TimeSpan LateCreateCheckInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// After a create request was cancelled: removes container <paramref name="name"/> if, and only if, it carries
    /// <paramref name="runId"/>, i.e. the daemon made it for us anyway. Used for helpers and for the lock.
    /// </summary>
    internal static async Task RemoveIfOursAsync(DockerClient docker, string name, string runId, ILogger logger)
    {
        using var removal = new CancellationTokenSource(RemovalTimeout);
        try
        {
            // The daemon can finish a create after our cancelled request was dropped: a first "not found" is not
            // the last word, so look again for a short while (seen when SIGTERM hit a snapshot-schedule tick).
            var details = await Polling.UntilAsync(
                async ct => await docker.InspectContainerAsync(name, ct),
                found => found is not null, LateCreateCheckInterval, LateCreateCheckInterval * LateCreateChecks, removal.Token);

            if (details?.Config.Labels?.GetValueOrDefault(HelperLabels.RunId) == runId)
            {
                await docker.RemoveContainerAsync(details.Id, force: true, removal.Token);
            }
        }
        catch (Exception e) when (e is DockerException or OperationCanceledException)
        {
            logger.Warning("Could not check for a half-created container {Container} on {Host}; the next run removes it: {Error}",
                name, docker.Host, e.Message);
        }
    }

    private sealed class NoScope : IAsyncDisposable
    {
        public static readonly NoScope Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
