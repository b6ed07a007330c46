using System.Collections.Concurrent;
using Serilog;

namespace ClusterCtl.Docker;

/// <summary>
/// Long-lived helper containers on one host, one per distinct image and settings, in which shareable helpers run as
/// execs: a process start instead of a container start (about a second each on a busy host, and a restore runs a
/// handful per node). Disposing removes them all. A cancelled exec takes its container with it, so that nothing it
/// started goes on writing after the caller gave up, as with a helper of its own.
/// </summary>
/// <remarks>
/// A container starts under the set's own lifetime, not under the token of whoever asked first: callers share it, so
/// one caller giving up must not fail the start for another. Each caller waits only as long as its own token allows.
/// </remarks>
internal sealed class SharedHelperContainers : IAsyncDisposable
{
    // Idles until SIGTERM; removal is forced anyway.
    private const string IdleScript = "trap 'exit 0' TERM; while :; do sleep 3600 & wait; done";

    private readonly HelperContainerRunner _runner;
    private readonly DockerClient _docker;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Lazy<Task<RunningHelper>>> _containers = new(StringComparer.Ordinal);
    private readonly Action _onDisposed;
    private readonly CancellationTokenSource _lifetime = new();
    private int _started;

    public SharedHelperContainers(HelperContainerRunner runner, DockerClient docker, ILogger logger, Action onDisposed)
    {
        _runner = runner;
        _docker = docker;
        _logger = logger;
        _onDisposed = onDisposed;
    }

    /// <summary>Starts the container for <paramref name="spec"/>'s shape now, in the background, so that its first helper need not wait for it.</summary>
    public void Prepare(HelperSpec spec) => _ = ContainerFor(KeyOf(spec), spec).Value;

    public async Task<HelperResult> RunAsync(HelperSpec spec, CancellationToken cancellationToken)
    {
        var key = KeyOf(spec);
        var container = ContainerFor(key, spec);
        RunningHelper helper;
        try
        {
            helper = await container.Value.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // This caller gave up; the start goes on for the others and is undone at disposal.
            throw;
        }
        catch
        {
            // The start failed: the next caller tries afresh.
            _containers.TryRemove(new(key, container));
            throw;
        }

        try
        {
            // The environment belongs to the command, not the container: it carries the values a script works on.
            var result = await _docker.ExecAsync(helper.Id, [.. spec.Entrypoint ?? [], .. spec.Cmd], spec.Env, cancellationToken);
            _logger.Debug("Helper {Purpose} ran in {Container} on {Host} and exited with {ExitCode}", spec.Purpose, helper.Name, _docker.Host, result.ExitCode);
            return result with { ContainerName = helper.Name };
        }
        catch (OperationCanceledException)
        {
            await ForgetAsync(key, container, helper);
            throw;
        }
        catch (DockerApiException e)
        {
            // The container is gone or stopped (say, its dockerd restarted): the helper runs on its own instead.
            _logger.Debug("Helper {Purpose} cannot run in {Container} on {Host} ({Error}); running it alone", spec.Purpose, helper.Name, _docker.Host, e.Message);
            await ForgetAsync(key, container, helper);
            return await _runner.RunAloneAsync(spec, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _onDisposed();

        // A start still under way is abandoned; the runner removes what it had created.
        await _lifetime.CancelAsync();
        foreach (var container in _containers.Values.Where(c => c.IsValueCreated))
        {
            try
            {
                await (await container.Value).DisposeAsync();
            }
            catch (Exception e) when (e is DockerException or OperationCanceledException)
            {
                // It never started; nothing to remove.
            }
        }

        _containers.Clear();
        _lifetime.Dispose();
    }

    private Lazy<Task<RunningHelper>> ContainerFor(string key, HelperSpec spec) =>
        _containers.GetOrAdd(key, _ => new(() => StartAsync(spec)));

    private async Task<RunningHelper> StartAsync(HelperSpec spec)
    {
        var index = Interlocked.Increment(ref _started);
        return await _runner.StartAsync(spec with
        {
            Purpose = $"shared{index}",
            Name = null,
            Entrypoint = ["sh", "-c"],
            Cmd = [IdleScript],
            Env = null,
        }, _lifetime.Token);
    }

    private async Task ForgetAsync(string key, Lazy<Task<RunningHelper>> container, RunningHelper helper)
    {
        _containers.TryRemove(new(key, container));
        await helper.DisposeAsync();
    }

    /// <summary>Everything of a spec that shapes its container; the command and its environment (given to each exec) are not part of it.</summary>
    private static string KeyOf(HelperSpec spec) => string.Join('\n',
        spec.Image, spec.User ?? "", spec.NetworkMode ?? "", spec.Privileged ? "privileged" : "",
        string.Join('\t', spec.Binds ?? []));
}
