using System.Collections.Concurrent;
using Polly;
using Polly.Retry;
using Serilog;

namespace ClusterCtl.Hosts;

/// <summary>
/// Opens SSH tunnels to many hosts at once (bounded overall and per bastion) and owns them:
/// disposing the connector closes every tunnel and removes the runtime directory when it created
/// it. Cancellation (Ctrl+C) stops the connecting; what was opened is closed on dispose.
/// </summary>
internal sealed class HostConnector : IAsyncDisposable
{
    private readonly SshClientOptions _options;
    private readonly ILogger _logger;
    private readonly bool _ownsRuntimeDirectory;
    private readonly ConcurrentBag<SshTunnel> _tunnels = [];
    private int _disposed;

    /// <param name="runtimeDirectory">Where sockets go; pass the one inline keys were written to, or null to create one.</param>
    public HostConnector(SshClientOptions options, ILogger logger, SshRuntimeDirectory? runtimeDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxParallelConnections, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxParallelPerBastion, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.HandshakeRetries, nameof(options));

        _options = options;
        _logger = logger;
        _ownsRuntimeDirectory = runtimeDirectory is null;
        if (runtimeDirectory is null)
        {
            foreach (var stale in SshRuntimeDirectory.RemoveStale())
            {
                _logger.Information("Removed {Directory}, left by a clusterctl process that is gone", stale);
            }
        }

        RuntimeDirectory = runtimeDirectory ?? SshRuntimeDirectory.Create();
        if (options.HostKeyPolicy == HostKeyPolicy.Off)
        {
            _logger.Warning("Host key checking is off: SSH host keys are not verified and not recorded (UserKnownHostsFile=/dev/null), so a man-in-the-middle would go unnoticed");
        }
    }

    public SshRuntimeDirectory RuntimeDirectory { get; }

    /// <summary>
    /// Connects to every endpoint in parallel. A host that cannot be reached is reported in
    /// <see cref="HostConnections.Failures"/>, not thrown; cancellation is thrown.
    /// </summary>
    public async Task<HostConnections> ConnectAsync(IEnumerable<SshEndpoint> endpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var list = endpoints.ToList();
        var duplicate = list.GroupBy(e => e.DisplayName, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"host {duplicate.Key} is listed more than once", nameof(endpoints));
        }

        var tunnels = new ConcurrentDictionary<string, SshTunnel>(StringComparer.Ordinal);
        var failures = new ConcurrentDictionary<string, HostConnectionException>(StringComparer.Ordinal);
        using var slots = new SemaphoreSlim(_options.MaxParallelConnections);
        var bastionSlots = list
            .Where(e => e.Bastion is not null)
            .Select(e => BastionKey(e.Bastion!))
            .Distinct(StringComparer.Ordinal)
            .ToDictionary(key => key, _ => new SemaphoreSlim(_options.MaxParallelPerBastion), StringComparer.Ordinal);
        try
        {
            await Task.WhenAll(list.Select(ConnectOneAsync));
        }
        finally
        {
            foreach (var semaphore in bastionSlots.Values)
            {
                semaphore.Dispose();
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (!failures.IsEmpty)
        {
            _logger.Warning("Connected to {Connected} of {Total} hosts; unreachable: {Unreachable}", tunnels.Count, list.Count, failures.Keys.Order(StringComparer.Ordinal));
        }

        return new HostConnections(tunnels, failures);

        async Task ConnectOneAsync(SshEndpoint endpoint)
        {
            var bastionSlot = endpoint.Bastion is { } bastion ? bastionSlots[BastionKey(bastion)] : null;
            await slots.WaitAsync(cancellationToken);
            try
            {
                var tunnel = await HandshakeRetry(endpoint).ExecuteAsync(
                    async ct => await OpenThroughBastionSlotAsync(endpoint, bastionSlot, ct), cancellationToken);
                _tunnels.Add(tunnel);
                tunnels[endpoint.DisplayName] = tunnel;
            }
            catch (HostConnectionException e)
            {
                _logger.Debug("Cannot reach {Host}: {Reason}", endpoint.DisplayName, e.Message);
                failures[endpoint.DisplayName] = e;
            }
            finally
            {
                slots.Release();
            }
        }
    }

    /// <summary>
    /// sshd's MaxStartups drops handshakes at random when many arrive at once: retry those only, after a random
    /// while that grows, so that the retries do not collide again. Every other failure is final.
    /// </summary>
    private ResiliencePipeline HandshakeRetry(SshEndpoint endpoint)
    {
        var builder = new ResiliencePipelineBuilder();
        if (_options.HandshakeRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<HostConnectionException>(e => e.Failure == HostConnectionFailure.HandshakeRejected),
                MaxRetryAttempts = _options.HandshakeRetries,
                BackoffType = DelayBackoffType.Linear,
                Delay = TimeSpan.FromMilliseconds(650),
                UseJitter = true,
                OnRetry = args =>
                {
                    _logger.Debug("{Host}: {Reason}; retrying in {DelayMs} ms",
                        endpoint.DisplayName, args.Outcome.Exception?.Message, (int)args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            });
        }

        return builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await Task.WhenAll(_tunnels.Select(t => t.DisposeAsync().AsTask()));
        }
        finally
        {
            if (_ownsRuntimeDirectory)
            {
                await RuntimeDirectory.DisposeAsync();
            }
        }
    }

    private async Task<SshTunnel> OpenThroughBastionSlotAsync(SshEndpoint endpoint, SemaphoreSlim? bastionSlot, CancellationToken cancellationToken)
    {
        if (bastionSlot is null)
        {
            return await SshTunnel.OpenAsync(endpoint, _options, RuntimeDirectory, _logger, cancellationToken);
        }

        await bastionSlot.WaitAsync(cancellationToken);
        try
        {
            return await SshTunnel.OpenAsync(endpoint, _options, RuntimeDirectory, _logger, cancellationToken);
        }
        finally
        {
            bastionSlot.Release();
        }
    }

    private static string BastionKey(SshEndpoint bastion) => $"{bastion.User}@{bastion.Address}:{bastion.Port}";
}
