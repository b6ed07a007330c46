using Serilog;

namespace ClusterCtl.Docker;

/// <summary>
/// A long-lived helper container (e.g. <c>sleep</c> with the snapshot directory mounted) that serves as the
/// target of archive PUT/GET. Disposing removes it, forcibly, under its own short timeout, so a cancelled run
/// still cleans up.
/// </summary>
internal sealed class RunningHelper : IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly TimeSpan _removalTimeout;
    private int _disposed;

    public RunningHelper(DockerClient docker, string id, string name, ILogger logger, TimeSpan removalTimeout)
    {
        Docker = docker;
        Id = id;
        Name = name;
        _logger = logger;
        _removalTimeout = removalTimeout;
    }

    public DockerClient Docker { get; }

    public string Id { get; }

    public string Name { get; }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await HelperContainerRunner.RemoveQuietlyAsync(Docker, Id, Name, _removalTimeout, _logger);
        }
    }
}
