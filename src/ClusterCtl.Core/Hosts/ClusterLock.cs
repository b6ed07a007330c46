using System.Globalization;
using System.Net;
using ClusterCtl.Docker;
using ClusterCtl.Logging;
using Serilog;

namespace ClusterCtl.Hosts;

/// <summary>
/// The per-cluster lock: a created-but-never-started container named <see cref="ContainerName"/> on every etcd
/// node. Docker refuses a second container of the same name, so creating it is an atomic test-and-set on each
/// node, visible to every machine that runs clusterctl against the cluster (a laptop, a bastion, a CI job).
/// Nodes are locked in cluster.yml order, so two runs cannot each hold half and wait for the other; the caller
/// makes sure no etcd node is missing, so two runs can never lock disjoint sets of nodes.
/// </summary>
internal sealed class ClusterLock : IAsyncDisposable
{
    public const string ContainerName = "clusterctl-lock";

    /// <summary>The flag that releases a lock whose holder cannot be proven gone.</summary>
    public const string ForceUnlockFlag = "--force-unlock";

    private const string CommandLabel = "io.clusterctl.lock.command";
    private const string SinceLabel = "io.clusterctl.lock.since";

    private readonly List<(NodeSession Node, string Id)> _held = [];
    private readonly ILogger _log;

    private ClusterLock(ILogger log) => _log = log;

    /// <summary>
    /// Takes the lock on every node in <paramref name="nodes"/>, or none. A lock whose holder is provably gone
    /// (<see cref="RunOwner.IsProvablyGone()"/>) is taken over; with <paramref name="forceUnlock"/> any lock is removed first.
    /// </summary>
    public static async Task<ClusterLock> AcquireAsync(
        IReadOnlyList<NodeSession> nodes, LockRequest request, ILogger logger, CancellationToken cancellationToken)
    {
        var log = logger.ForScope("lock");
        var clusterLock = new ClusterLock(log);
        try
        {
            foreach (var node in nodes)
            {
                await node.Docker.EnsureImageAsync(request.Image, request.RegistryAuth, cancellationToken);
                if (request.ForceUnlock)
                {
                    await RemoveAnyAsync(node, log, cancellationToken);
                }

                clusterLock._held.Add((node, await CreateOrExplainAsync(node, request, logger, cancellationToken)));
            }

            log.Debug("Holding the cluster lock on {Count} nodes", nodes.Count);
            return clusterLock;
        }
        catch
        {
            await clusterLock.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(HelperContainerRunner.RemovalTimeout);
        foreach (var (node, id) in _held)
        {
            try
            {
                await node.Docker.RemoveContainerAsync(id, force: true, timeout.Token);
            }
            catch (Exception e) when (e is DockerException or OperationCanceledException)
            {
                _log.Warning("Could not release the lock on {Host}: {Error}; the next run with {Flag} removes it", node.Host, e.Message, ForceUnlockFlag);
            }
        }

        _held.Clear();
    }

    /// <summary>Who holds a lock, from its labels: "'command' (run R, user@host, pid N, since T)".</summary>
    public static string DescribeHolder(IReadOnlyDictionary<string, string> labels)
    {
        var owner = RunOwner.FromLabels(labels);
        return $"'{labels.GetValueOrDefault(CommandLabel, "another run")}' (run {labels.GetValueOrDefault(HelperLabels.RunId, "?")}, " +
            $"{owner?.Display ?? "unknown holder"}, since {labels.GetValueOrDefault(SinceLabel, "?")})";
    }

    private static async Task RemoveAnyAsync(NodeSession node, ILogger log, CancellationToken cancellationToken)
    {
        var holder = await node.Docker.InspectContainerAsync(ContainerName, cancellationToken);
        if (holder is not null)
        {
            log.Warning("{Flag}: removing the lock on {Host} held by {Holder}", ForceUnlockFlag, node.Host, DescribeHolder(holder.Config.Labels ?? new Dictionary<string, string>()));
            await node.Docker.RemoveContainerAsync(holder.Id, force: true, cancellationToken);
        }
    }

    private static async Task<string> CreateOrExplainAsync(NodeSession node, LockRequest request, ILogger logger, CancellationToken cancellationToken)
    {
        var log = logger.ForScope("lock");
        var labels = new Dictionary<string, string>(RunOwner.Current.ToLabels(), StringComparer.Ordinal)
        {
            [HelperLabels.RunId] = request.RunId,
            [CommandLabel] = request.Command,
            [SinceLabel] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        var spec = new ContainerSpec { Image = request.Image, Cmd = ["true"], Labels = labels };

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await node.Docker.CreateContainerAsync(ContainerName, spec, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Cancelled mid-request (a tick past its timeout): a lock the daemon made anyway would outlive us.
                await HelperContainerRunner.RemoveIfOursAsync(node.Docker, ContainerName, request.RunId, logger);
                throw;
            }
            catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict && attempt == 0)
            {
                var holder = await node.Docker.InspectContainerAsync(ContainerName, cancellationToken);
                var holderLabels = holder?.Config.Labels ?? new Dictionary<string, string>();
                if (holder is not null && RunOwner.FromLabels(holderLabels) is { } owner && owner.IsProvablyGone())
                {
                    // This machine, this boot, and that process is gone: a run that was killed. Its lock is ours to take over.
                    log.Warning("Taking over the lock on {Host} left by run {RunId} (process {Pid} is gone)",
                        node.Host, holderLabels.GetValueOrDefault(HelperLabels.RunId), owner.Pid);
                    await node.Docker.RemoveContainerAsync(holder.Id, force: true, cancellationToken);
                    continue;
                }

                throw new ClusterCtlException(
                    $"the cluster is locked by {DescribeHolder(holderLabels)} on {node.Host}; wait for it to finish, " +
                    $"or if that run is gone (it cannot be proven from here), run again with {ForceUnlockFlag}",
                    ExitCodes.Failed);
            }
        }
    }
}
