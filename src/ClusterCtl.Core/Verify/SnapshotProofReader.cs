using System.Globalization;
using ClusterCtl.Docker;
using ClusterCtl.Etcd;

namespace ClusterCtl.Verify;

/// <summary>
/// Reads a <see cref="SnapshotProof"/> from a serving etcd at one revision, through whatever runs etcdctl against it:
/// the live source member at save time, the drill's throwaway etcd when verifying.
/// </summary>
/// <param name="host">The node etcdctl runs on, for errors.</param>
/// <param name="etcdctl">Runs <c>etcdctl &lt;args&gt;</c> against the one etcd the proof is about.</param>
internal sealed class SnapshotProofReader(string host, Func<IReadOnlyList<string>, CancellationToken, Task<HelperResult>> etcdctl)
{
    /// <summary>
    /// Keys per page. Only the last MiB of an answer is kept, so a page of long keys that overflows it is asked
    /// again smaller; Kubernetes keys are mostly under 100 bytes, so most clusters take one or two pages.
    /// </summary>
    internal int PageSize { get; init; } = 10_000;

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

    // Keys only, paged by key: each page starts at the last key of the one before, which it then holds again.
    private async Task<SortedDictionary<string, long>> CountKeysAsync(long revision, CancellationToken cancellationToken)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var start = SnapshotProof.RegistryPrefix;
        string? seen = null;
        var limit = Math.Max(2, PageSize);
        while (true)
        {
            var page = Require(await etcdctl(
                ["get", start, SnapshotProof.RegistryRangeEnd, "--keys-only", "--limit=" + Text(limit), "--rev=" + Text(revision)], cancellationToken), "get --keys-only");
            if (page.OutputTruncated)
            {
                limit = limit > 2 ? Math.Max(2, limit / 4) : throw new EtcdctlAnswerException($"{host}: etcdctl get --keys-only printed more than a page of two keys can hold");
                continue;
            }

            // etcdctl prints each key, then its (here empty) value, on lines of their own.
            var keys = page.Stdout.Split('\n').Where(k => k.StartsWith(SnapshotProof.RegistryPrefix, StringComparison.Ordinal)).ToList();
            foreach (var (resource, count) in SnapshotProof.Count(keys.Count > 0 && keys[0] == seen ? keys.Skip(1) : keys))
            {
                counts[resource] = counts.GetValueOrDefault(resource) + count;
            }

            if (keys.Count < limit)
            {
                return counts;
            }

            seen = start = keys[^1];
        }
    }

    private HelperResult Require(HelperResult result, string what) => result.Succeeded
        ? result
        : throw new EtcdctlAnswerException($"{host}: etcdctl {what} failed: {result.LastErrorLine ?? "exit code " + result.ExitCode}");

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
