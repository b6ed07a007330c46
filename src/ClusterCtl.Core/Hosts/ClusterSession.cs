using System.Globalization;
using System.Security.Cryptography;
using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Logging;
using ClusterCtl.Services;
using Serilog;

namespace ClusterCtl.Hosts;

/// <summary>
/// One run's connections to the cluster: an SSH tunnel and a Docker client per reachable node, a helper
/// runner labelled with this run's id, and the nodes that could not be reached with the reason.
/// Commands that change anything also take the cluster lock (<see cref="LockAsync"/>).
/// Disposing it closes every tunnel and deletes the run's private files.
/// </summary>
internal sealed class ClusterSession : IAsyncDisposable
{
    private readonly HostConnector _connector;
    private readonly EndpointBuilder _endpoints;
    private readonly List<NodeSession> _nodes;

    private ClusterSession(string runId, SessionOptions options, HostConnector connector, EndpointBuilder endpoints, List<NodeSession> nodes, Dictionary<ClusterNode, ClusterCtlException> unreachable)
    {
        RunId = runId;
        Options = options;
        _connector = connector;
        _endpoints = endpoints;
        _nodes = nodes;
        Unreachable = unreachable;
    }

    public string RunId { get; }

    public SessionOptions Options { get; }

    /// <summary>The nodes we reached, in cluster.yml order.</summary>
    public IReadOnlyList<NodeSession> Nodes => _nodes;

    public IReadOnlyDictionary<ClusterNode, ClusterCtlException> Unreachable { get; }

    /// <summary>How long connecting to every host took: the first part of a restore's phase 1.</summary>
    public TimeSpan ConnectDuration { get; private set; }

    /// <summary>Host → helper containers of crashed runs that <see cref="LockAsync"/> removed there.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> RemovedLeftoverHelpers { get; private set; } =
        new Dictionary<string, IReadOnlyList<string>>();

    public static string NewRunId() =>
        DateTimeOffset.UtcNow.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>Connects to the given nodes in parallel. A node that fails is recorded in <see cref="Unreachable"/>, not thrown.</summary>
    public static async Task<ClusterSession> OpenAsync(ClusterConfig config, IReadOnlyList<ClusterNode> nodes, SessionOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var log = logger.ForScope("dialer");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var runId = NewRunId();
        var connector = new HostConnector(new SshClientOptions { HostKeyPolicy = options.HostKeyPolicy, KnownHostsFile = options.KnownHostsFile }, logger);
        var endpoints = new EndpointBuilder(config, options, connector.RuntimeDirectory);
        var unreachable = new Dictionary<ClusterNode, ClusterCtlException>();
        var sessions = new List<NodeSession>();
        var session = new ClusterSession(runId, options, connector, endpoints, sessions, unreachable);
        try
        {
            log.Information("Connecting to {Count} hosts over SSH (run {RunId})", nodes.Count, runId);
            var connections = await connector.ConnectAsync(nodes.Select(endpoints.For), cancellationToken);
            var attached = await Task.WhenAll(nodes.Select(async node =>
            {
                if (connections.Failures.TryGetValue(node.Address, out var failure))
                {
                    return (node, (NodeSession?)null, (ClusterCtlException?)failure);
                }

                try
                {
                    return (node, await AttachDockerAsync(node, connections.Tunnels[node.Address], runId, options, logger, cancellationToken), null);
                }
                catch (ClusterCtlException e)
                {
                    return (node, null, e);
                }
            }));

            foreach (var (node, nodeSession, error) in attached)
            {
                if (nodeSession is not null)
                {
                    sessions.Add(nodeSession);
                }
                else
                {
                    unreachable[node] = error!;
                    log.Warning("{Host}: {Reason}", node.Address, error!.Message);
                }
            }

            session.ConnectDuration = clock.Elapsed;
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Takes the per-cluster lock on every etcd node of <paramref name="config"/>, then removes helpers left by crashed
    /// runs: only once we hold the lock can no other run that changes things own them. An etcd node that was not
    /// reached refuses the run: two runs that each miss another node would otherwise both hold the lock.
    /// Dispose the result to release the lock.
    /// </summary>
    public async Task<ClusterLock> LockAsync(ClusterConfig config, string command, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var missing = config.EtcdNodes.Where(n => !_nodes.Any(s => s.Node.Address == n.Address)).ToList();
        if (missing.Count > 0)
        {
            var reason = Unreachable.TryGetValue(missing[0], out var failure) ? failure.Message : "not connected";
            throw new ClusterCtlException(
                $"{command} refused, nothing was changed: the cluster lock must be held on every etcd node, and etcd node " +
                $"{string.Join(", ", missing.Select(n => n.Address))} cannot be reached ({reason}); bring it back, or remove it from cluster.yml",
                ExitCodes.Failed, failure);
        }

        var request = new LockRequest(RunId, command, config.Images.Alpine, NodeHelperSpecs.RegistryAuthFor(config, config.Images.Alpine))
        {
            ForceUnlock = Options.ForceUnlock,
        };
        var clusterLock = await ClusterLock.AcquireAsync(_nodes.Where(n => n.Node.IsEtcd).ToList(), request, logger, cancellationToken);
        try
        {
            foreach (var node in _nodes)
            {
                node.Helpers.RunHoldsLock = true;
            }

            // --force-unlock says no other run is alive: read-only runs' helpers go too.
            var removed = await Task.WhenAll(_nodes.Select(async n => (n.Host, Names: await n.Helpers.RemoveLeftoversAsync(Options.ForceUnlock, cancellationToken))));
            RemovedLeftoverHelpers = removed.ToDictionary(r => r.Host, r => r.Names, StringComparer.Ordinal);
            return clusterLock;
        }
        catch
        {
            await clusterLock.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// <see cref="Docker.HelperContainerRunner.ShareContainers"/> on every node, for a command that runs many small
    /// helpers; disposing the result removes the shared containers.
    /// </summary>
    public IAsyncDisposable ShareHelperContainers() => new SharedOnEveryNode(_nodes.Select(n => n.Helpers.ShareContainers()).ToList());

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            node.Docker.Dispose();
        }

        // The key copies go first: the connector removes the runtime directory they are in.
        _endpoints.Dispose();
        await _connector.DisposeAsync();
    }

    private static async Task<NodeSession> AttachDockerAsync(ClusterNode node, SshTunnel tunnel, string runId, SessionOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var docker = new DockerClient(tunnel.LocalDockerSocket, node.Address, logger) { AllowOlderApi = options.IgnoreDockerVersion };
        try
        {
            var version = await docker.NegotiateAsync(cancellationToken);
            logger.ForScope("dialer").Debug("{Host}: Docker {Version}, API {ApiVersion}", node.Address, version.Version, docker.ApiVersion);
            return new NodeSession(node, docker, new HelperContainerRunner(docker, runId, logger));
        }
        catch
        {
            docker.Dispose();
            throw;
        }
    }

    private sealed class SharedOnEveryNode(IReadOnlyList<IAsyncDisposable> scopes) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await Task.WhenAll(scopes.Select(s => s.DisposeAsync().AsTask()));
    }
}
