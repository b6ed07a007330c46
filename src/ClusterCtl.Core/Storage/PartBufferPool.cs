using System.Collections.Concurrent;

namespace ClusterCtl.Storage;

/// <summary>
/// Exactly-sized part buffers for one S3 store, kept for reuse up to a fixed count. Neither the shared pool nor
/// <c>ArrayPool.Create</c> fits: the shared pool parks returned arrays in the returning thread's cache (with parts
/// finishing on ever other pool threads, a 1 GiB upload kept some 100 MB of arrays alive), and both round a 5 MiB
/// part up to an 8 MiB array.
/// </summary>
internal sealed class PartBufferPool(int bufferSize, int keep)
{
    private readonly ConcurrentBag<byte[]> _free = [];

    public int BufferSize => bufferSize;

    public byte[] Rent() => _free.TryTake(out var buffer) ? buffer : new byte[bufferSize];

    public void Return(byte[] buffer)
    {
        if (buffer.Length == bufferSize && _free.Count < keep)
        {
            _free.Add(buffer);
        }
    }
}
