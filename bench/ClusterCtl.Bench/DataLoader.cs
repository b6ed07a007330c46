using System.Diagnostics;

namespace ClusterCtl.Bench;

/// <summary>
/// Fills etcd with <see cref="KubeObjects"/> until the db reaches a target size, spreading transactions over all
/// members. Sizes are loaded in ascending order on one generator, so a larger size is the smaller one plus more.
/// </summary>
internal sealed class DataLoader(IReadOnlyList<EtcdGateway> members, KubeObjects objects, TextWriter log)
{
    private const int MaxOperations = 100;           // etcd's --max-txn-ops defaults to 128
    private const int MaxTransactionBytes = 1 << 20; // etcd's --max-request-bytes defaults to 1.5 MiB, before base64
    private const int Concurrency = 6;

    public long KeysWritten { get; private set; }

    public async Task<long> FillToAsync(DbSize target, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var size = await members[0].DbSizeAsync(cancellationToken);
        var written = 0L;
        while (size < target.Bytes)
        {
            // Between size checks, write about a quarter of what is missing (at least one round of transactions).
            var budget = Math.Max((target.Bytes - size) / 4, (long)Concurrency * MaxTransactionBytes);
            var bytes = 0L;
            var inFlight = new List<Task>();
            var next = 0;
            while (bytes < budget)
            {
                var batch = NextBatch();
                bytes += batch.Sum(p => p.Value.Length);
                inFlight.Add(members[next++ % members.Count].PutAllAsync(batch, cancellationToken));
                if (inFlight.Count == Concurrency)
                {
                    await Task.WhenAny(inFlight);
                    foreach (var failed in inFlight.Where(t => t.IsFaulted))
                    {
                        await failed;
                    }

                    inFlight.RemoveAll(t => t.IsCompleted);
                }
            }

            await Task.WhenAll(inFlight);
            written += bytes;
            size = await members[0].DbSizeAsync(cancellationToken);
        }

        log.WriteLine($"[bench] loaded {written / 1e6:F0} MB of objects ({KeysWritten} keys in all) in {clock.Elapsed.TotalSeconds:F0}s: db {size / 1e6:F0} MB (target {target})");
        return size;
    }

    private List<KeyValuePair<string, byte[]>> NextBatch()
    {
        var batch = new List<KeyValuePair<string, byte[]>>(MaxOperations);
        var bytes = 0;
        while (batch.Count < MaxOperations && bytes < MaxTransactionBytes / 2)
        {
            var pair = objects.Next();
            batch.Add(pair);
            bytes += pair.Value.Length + pair.Key.Length;
            KeysWritten++;
        }

        return batch;
    }
}
