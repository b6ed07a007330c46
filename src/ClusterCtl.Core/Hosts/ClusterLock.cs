using System.Globalization;
using System.Net;
using ClusterCtl.Docker;
using Serilog;

namespace ClusterCtl.Hosts;

/// <summary>
/// The per-cluster lock: a created-but-never-started container named <see cref="ContainerName"/> on every reachable
/// etcd node. Docker refuses a second container of the same name, so creating it is an atomic test-and-set on each
/// node, visible to every machine that runs clusterctl against the cluster (a laptop, a bastion, a CI job).
/// Nodes are locked in cluster.yml order, so two runs cannot each hold half and wait for the other.
/// </summary>
internal sealed class ClusterLock : IAsyncDisposable
{
    public const string ContainerName = "clusterctl-lock";

    private const string HolderLabel = "io.clusterctl.lock.holder";
    private const string PidLabel = "io.clusterctl.lock.pid";
    private const string MachineLabel = "io.clusterctl.lock.machine";
    private const string CommandLabel = "io.clusterctl.lock.command";
    private const string SinceLabel = "io.clusterctl.lock.since";

    private readonly List<(NodeSession Node, string Id)> _held = [];
    private readonly ILogger _logger;

    private ClusterLock(ILogger logger) => _logger = logger;

    public static async Task<ClusterLock> AcquireAsync(IReadOnlyList<NodeSession> nodes, string image, string runId, string command, ILogger logger, CancellationToken cancellationToken)
    {
        var clusterLock = new ClusterLock(logger);
        try
        {
            foreach (var node in nodes)
            {
                await node.Docker.EnsureImageAsync(image, null, cancellationToken);
                clusterLock._held.Add((node, await CreateOrExplainAsync(node, image, runId, command, logger, cancellationToken)));
            }

            logger.Debug("[lock] Holding the cluster lock on {Count} nodes", nodes.Count);
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
                _logger.Warning("[lock] Could not release the lock on {Host}: {Error}; remove it with: docker rm {Container}", node.Host, e.Message, ContainerName);
            }
        }

        _held.Clear();
    }

    private static async Task<string> CreateOrExplainAsync(NodeSession node, string image, string runId, string command, ILogger logger, CancellationToken cancellationToken)
    {
        var spec = new ContainerSpec
        {
            Image = image,
            Cmd = ["true"],
            Labels = new Dictionary<string, string>
            {
                [HelperLabels.RunId] = runId,
                [HolderLabel] = $"{Environment.UserName}@{Environment.MachineName}",
                [MachineLabel] = Environment.MachineName,
                [PidLabel] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
                [CommandLabel] = command,
                [SinceLabel] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            },
        };

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await node.Docker.CreateContainerAsync(ContainerName, spec, cancellationToken);
            }
            catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict && attempt == 0)
            {
                var holder = await node.Docker.InspectContainerAsync(ContainerName, cancellationToken);
                var labels = holder?.Config.Labels ?? new Dictionary<string, string>();
                if (holder is not null && IsAbandonedHere(labels))
                {
                    // Same machine, and that process is gone: a run that was killed. Its lock is ours to take over.
                    logger.Warning("[lock] Taking over the lock on {Host} left by run {RunId} (process {Pid} is gone)",
                        node.Host, labels.GetValueOrDefault(HelperLabels.RunId), labels.GetValueOrDefault(PidLabel));
                    await node.Docker.RemoveContainerAsync(holder.Id, force: true, cancellationToken);
                    continue;
                }

                throw new ClusterCtlException(
                    $"the cluster is locked by '{labels.GetValueOrDefault(CommandLabel, "another run")}' (run {labels.GetValueOrDefault(HelperLabels.RunId, "?")}, " +
                    $"{labels.GetValueOrDefault(HolderLabel, "unknown holder")}, pid {labels.GetValueOrDefault(PidLabel, "?")}, since {labels.GetValueOrDefault(SinceLabel, "?")}); " +
                    $"wait for it to finish, or if that run is gone remove the lock with 'docker rm {ContainerName}' on {node.Host}",
                    ExitCodes.Failed);
            }
        }
    }

    private static bool IsAbandonedHere(IReadOnlyDictionary<string, string> labels)
    {
        if (labels.GetValueOrDefault(MachineLabel) != Environment.MachineName
            || !int.TryParse(labels.GetValueOrDefault(PidLabel), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
