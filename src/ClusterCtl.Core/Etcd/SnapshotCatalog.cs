using ClusterCtl.Config;
using ClusterCtl.Hosts;
using ClusterCtl.Storage;

namespace ClusterCtl.Etcd;

/// <summary>Gathers what every reachable etcd node and S3 hold, and merges it per snapshot name.</summary>
internal sealed class SnapshotCatalog(ClusterConfig config)
{
    public async Task<IReadOnlyList<SnapshotListing>> ListAsync(ClusterSession session, S3SnapshotStore? s3, CancellationToken cancellationToken)
    {
        var nodeListings = Task.WhenAll(session.Nodes.Where(n => n.Node.IsEtcd).Select(async node =>
            (node.Host, Files: await new NodeSnapshotDirectory(node, config).ListAsync(cancellationToken))));
        var s3Listing = s3 is null ? Task.FromResult<IReadOnlyList<S3SnapshotEntry>>([]) : s3.ListAsync(cancellationToken);
        await Task.WhenAll(nodeListings, s3Listing);
        return Merge((await nodeListings).Select(n => (n.Host, (IReadOnlyList<NodeSnapshotFile>)n.Files)), await s3Listing);
    }

    /// <summary>Pure merge, newest first. A zip wins over a raw file of the same name on the same node.</summary>
    public static IReadOnlyList<SnapshotListing> Merge(IEnumerable<(string Host, IReadOnlyList<NodeSnapshotFile> Files)> nodes, IReadOnlyList<S3SnapshotEntry> s3)
    {
        var byName = new Dictionary<string, (Dictionary<string, NodeSnapshotFile> Nodes, S3SnapshotEntry? S3)>(StringComparer.Ordinal);
        foreach (var (host, files) in nodes)
        {
            foreach (var file in files.OrderBy(f => f.IsZip))
            {
                Entry(file.Name!).Nodes[host] = file;
            }
        }

        foreach (var entry in s3)
        {
            var e = Entry(entry.Name);
            byName[entry.Name] = (e.Nodes, entry);
        }

        return byName.Select(kv =>
        {
            var (copies, s3Entry) = kv.Value;
            var manifest = copies.Values.Select(f => f.Manifest).FirstOrDefault(m => m is not null) ?? s3Entry?.Manifest;
            var created = manifest?.CreatedAt
                ?? copies.Values.Select(f => f.Modified).Concat(s3Entry?.LastModified is { } t ? [t] : []).DefaultIfEmpty().Max();
            return new SnapshotListing
            {
                Name = kv.Key,
                CreatedAt = created,
                Size = copies.Values.Select(f => f.Size).Concat(s3Entry is null ? [] : [s3Entry.Size]).DefaultIfEmpty().Max(),
                Revision = manifest?.Revision,
                NodeCopies = copies.ToDictionary(c => c.Key, c => c.Value.Sha256, StringComparer.Ordinal),
                InS3 = s3Entry is not null,
                S3Sha256 = s3Entry?.ZipSha256,
                S3SizeDiffers = s3Entry is { ZipSha256: null, IsZip: true } && copies.Values.Any(f => f.IsZip && f.Size != s3Entry.Size),
                Manifest = manifest,
                VerifiedAt = copies.Values.Select(f => f.VerifiedAt).Append(s3Entry?.VerifiedAt).Max(),
            };
        })
        .OrderByDescending(l => l.CreatedAt)
        .ThenByDescending(l => l.Name, StringComparer.Ordinal)
        .ToList();

        (Dictionary<string, NodeSnapshotFile> Nodes, S3SnapshotEntry? S3) Entry(string name)
        {
            if (!byName.TryGetValue(name, out var e))
            {
                e = (new Dictionary<string, NodeSnapshotFile>(StringComparer.Ordinal), null);
                byName[name] = e;
            }

            return e;
        }
    }
}
