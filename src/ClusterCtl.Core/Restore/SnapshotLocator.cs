using ClusterCtl.Config;
using ClusterCtl.Hosts;
using ClusterCtl.Logging;
using ClusterCtl.Storage;
using Serilog;

namespace ClusterCtl.Restore;

/// <summary>
/// Finds every copy of a snapshot on the reachable etcd nodes and in S3, and orders them by trust: copies whose
/// hash most others share (and S3's recorded hash) first, a node's copy before S3's (no download needed), and
/// copies that disagree with the majority last. Each is verified when it is read; the first that verifies is used.
/// </summary>
internal sealed class SnapshotLocator(ClusterConfig config, ILogger logger)
{
    private readonly ILogger _log = logger.ForScope("restore");

    public async Task<IReadOnlyList<SnapshotCopy>> FindAsync(ClusterSession session, S3SnapshotStore? s3, string name, CancellationToken cancellationToken)
    {
        var nodeCopies = (await Task.WhenAll(session.Nodes.Where(n => n.Node.IsEtcd).Select(async node =>
        {
            var files = await new NodeSnapshotDirectory(node, config).ListAsync(name, cancellationToken);
            // A zip is preferred to a raw file of the same name on the same node.
            return files.Where(f => f.Name == name).OrderByDescending(f => f.IsZip)
                .Select(f => new SnapshotCopy(name, node.Host, node, f.FileName, f.Size, f.Sha256, f.Manifest, f.DbSize, f.VerifiedAt))
                .FirstOrDefault();
        }))).OfType<SnapshotCopy>().ToList();

        var s3Copy = s3 is null ? null : (await s3.ListAsync(cancellationToken)).FirstOrDefault(e => e.Name == name) is { } e
            ? new SnapshotCopy(name, s3.Location, null, null, e.Size, e.ZipSha256, e.Manifest, await s3.ReadDbSizeAsync(e, cancellationToken), e.VerifiedAt)
            : null;

        var all = nodeCopies.Concat(s3Copy is null ? [] : [s3Copy]).ToList();
        if (all.Count == 0)
        {
            throw new ClusterCtlException(
                $"snapshot {name} not found on any reachable etcd node{(s3 is null ? "" : " or in " + s3.Location)}; see 'clusterctl etcd snapshot-list'" +
                (s3 is null && config.Etcd.Backup.S3 is null ? ", and pass --s3 and its flags if it is in S3" : ""),
                ExitCodes.InvalidInput);
        }

        var votes = all.Where(c => c.Sha256 is not null).GroupBy(c => c.Sha256!).ToDictionary(g => g.Key, g => g.Count());
        var majority = votes.OrderByDescending(v => v.Value).Select(v => v.Key).FirstOrDefault();
        if (votes.Count > 1)
        {
            _log.Warning("The copies of {Name} differ: {Copies}; each is verified against its manifest before use",
                name, string.Join(", ", all.Select(c => $"{c.Location}={c.Sha256?[..12] ?? "?"}")));
        }

        return all
            .OrderBy(c => c.Sha256 == majority ? 0 : 1)
            .ThenBy(c => c.IsS3 ? 1 : 0)
            .ToList();
    }
}
