using ClusterCtl.Config;
using ClusterCtl.Hosts;
using ClusterCtl.Logging;
using ClusterCtl.Storage;
using Serilog;

namespace ClusterCtl.Etcd;

/// <summary>Removes one snapshot wherever it is: every reachable etcd node that holds it, and S3.</summary>
internal sealed class SnapshotRemover(ClusterConfig config, ILogger logger)
{
    private readonly ILogger _log = logger.ForScope("snapshot");

    public async Task RemoveAsync(ClusterSession session, S3SnapshotStore? s3, SnapshotListing snapshot, CancellationToken cancellationToken)
    {
        var holders = session.Nodes.Where(n => snapshot.NodeCopies.ContainsKey(n.Host)).ToList();
        await Task.WhenAll(holders.Select(async node =>
        {
            await new NodeSnapshotDirectory(node, config).DeleteAsync(snapshot.Name, cancellationToken);
            _log.Information("Removed {Name} from {Host}", snapshot.Name, node.Host);
        }));

        if (snapshot.InS3 && s3 is not null)
        {
            await s3.DeleteAsync(snapshot.Name, cancellationToken);
            _log.Information("Removed {Name} from {Location}", snapshot.Name, s3.Location);
        }
    }
}
