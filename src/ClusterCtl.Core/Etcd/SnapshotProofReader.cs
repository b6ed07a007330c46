using System.Globalization;
using ClusterCtl.Docker;
using ClusterCtl.Storage;

namespace ClusterCtl.Etcd;

/// <summary>
/// Reads a <see cref="SnapshotProof"/> from a serving etcd at one revision, through whatever runs etcdctl against it:
/// the live source member at save time, the drill's throwaway etcd when verifying.
/// </summary>
/// <param name="host">The node etcdctl runs on, for errors.</param>
/// <param name="etcdctl">Runs <c>etcdctl &lt;args&gt;</c> against the one etcd the proof is about.</param>
internal sealed class SnapshotProofReader(string host, Func<IReadOnlyList<string>, CancellationToken, Task<HelperResult>> etcdctl)
{
    /// <summary>
    /// Keys a small cluster's key space fits in, read in one answer. Only the last MiB of an answer is kept, and a key
    /// costs about 150 bytes of JSON, so this stays well inside it.
    /// </summary>
    internal int PageSize { get; init; } = 4_000;

    public async Task<SnapshotProof> ReadAsync(long revision, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(revision);
        var hash = HashAsync(revision, cancellationToken);
        var counts = CountKeysAsync(revision, cancellationToken);
        await Task.WhenAll(hash, counts);
        return new SnapshotProof(hash.Result.Hash, hash.Result.CompactRevision, counts.Result);
    }

    private async Task<(uint Hash, long CompactRevision)> HashAsync(long revision, CancellationToken cancellationToken)
    {
        var result = Require(await etcdctl(["endpoint", "hashkv", "--rev=" + Text(revision), "-w", "json"], cancellationToken), "endpoint hashkv");
        return EtcdctlJson.ParseHashKv(host, result.Stdout);
    }

    /// <summary>
    /// One answer when the keys fit in a page. Otherwise a skip scan, whose cost follows the number of resources, not of
    /// keys (a large cluster has a few dozen resources and hundreds of thousands of keys): etcd counts a whole range
    /// whatever the limit, so the first key at or after a point names a resource, and the counts from the start of that
    /// resource's range and from its end differ by its keys.
    /// </summary>
    private async Task<SortedDictionary<string, long>> CountKeysAsync(long revision, CancellationToken cancellationToken)
    {
        var page = await RangeAsync(SnapshotProof.RegistryPrefix, PageSize, revision, cancellationToken);
        if (page is { Truncated: false } && page.Keys.Count == page.Count)
        {
            return SnapshotProof.Count(page.Keys);
        }

        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var (first, remaining) = await FirstAsync(SnapshotProof.RegistryPrefix, revision, cancellationToken);
        while (first is not null)
        {
            var resource = SnapshotProof.ResourceOf(first);
            var subtree = SnapshotProof.RegistryPrefix + resource + "/";
            if (resource is not null && first.StartsWith(subtree, StringComparison.Ordinal))
            {
                // Every key from here to the end of /registry/<resource>/ is the resource's: '/' + 1 is '0'.
                var (next, after) = await FirstAsync(SnapshotProof.RegistryPrefix + resource + "0", revision, cancellationToken);
                counts[resource] = counts.GetValueOrDefault(resource) + remaining - after;
                (first, remaining) = (next, after);
            }
            else
            {
                // A key with no subtree ("/registry/health"): itself, then whatever comes right after it.
                if (resource is not null)
                {
                    counts[resource] = counts.GetValueOrDefault(resource) + 1;
                }

                var two = await RangeAsync(first, 2, revision, cancellationToken);
                (first, remaining) = (two.Keys.Count > 1 ? two.Keys[1] : null, remaining - 1);
            }
        }

        return counts;
    }

    private async Task<(string? Key, long Count)> FirstAsync(string from, long revision, CancellationToken cancellationToken)
    {
        var range = await RangeAsync(from, 1, revision, cancellationToken);
        return (range.Keys.Count > 0 ? range.Keys[0] : null, range.Count);
    }

    private async Task<(IReadOnlyList<string> Keys, long Count, bool Truncated)> RangeAsync(string from, int limit, long revision, CancellationToken cancellationToken)
    {
        var result = Require(await etcdctl(
            ["get", from, SnapshotProof.RegistryRangeEnd, "--keys-only", "--limit=" + Text(limit), "--rev=" + Text(revision), "-w", "json"], cancellationToken), "get --keys-only");
        if (result.OutputTruncated)
        {
            return ([], 0, true);
        }

        var (keys, count) = EtcdctlJson.ParseRangeKeys(host, result.Stdout);
        return (keys, count, false);
    }

    private HelperResult Require(HelperResult result, string what) => result.Succeeded
        ? result
        : throw new EtcdctlAnswerException($"{host}: etcdctl {what} failed: {result.LastErrorLine ?? "exit code " + result.ExitCode}");

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
