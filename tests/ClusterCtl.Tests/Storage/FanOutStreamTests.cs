using System.Security.Cryptography;
using ClusterCtl.Storage;
using ClusterCtl.Testing;

namespace ClusterCtl.Tests.Storage;

public class FanOutStreamTests
{
    [Test]
    public async Task Every_destination_receives_identical_bytes()
    {
        var data = RandomNumberGenerator.GetBytes(5 * 1024 * 1024 + 123);
        var first = new MemoryStream();
        var second = new MemoryStream();
        string? readerHash = null;
        var fanOut = new FanOutStream(
            [
                FanOutDestination.WritingTo("first", first),
                FanOutDestination.WritingTo("second", second),
                FanOutDestination.Reading("hashing", async (source, ct) => readerHash = Convert.ToHexString(await SHA256.HashDataAsync(source, ct))),
            ],
            CancellationToken.None,
            chunkSize: 64 * 1024);
        await using (fanOut)
        {
            await WriteInPiecesAsync(fanOut, data, 10_000);
            var results = await fanOut.CompleteAsync(CancellationToken.None);

            Assert.That(results.Select(r => r.Succeeded), Is.All.True);
            Assert.That(results.Select(r => r.BytesWritten), Is.All.EqualTo(data.Length));
        }

        Assert.That(first.ToArray(), Is.EqualTo(data));
        Assert.That(second.ToArray(), Is.EqualTo(data));
        Assert.That(readerHash, Is.EqualTo(Convert.ToHexString(SHA256.HashData(data))));
    }

    [Test]
    public async Task A_failing_destination_is_detached_and_the_others_continue()
    {
        var data = RandomNumberGenerator.GetBytes(3 * 1024 * 1024);
        var good = new MemoryStream();
        await using var fanOut = new FanOutStream(
            [FanOutDestination.WritingTo("good", good), FanOutDestination.WritingTo("broken", new FailingStream(failAfter: 100_000))],
            CancellationToken.None,
            chunkSize: 32 * 1024);

        await WriteInPiecesAsync(fanOut, data, 8192);
        var results = await fanOut.CompleteAsync(CancellationToken.None);

        Assert.That(good.ToArray(), Is.EqualTo(data));
        Assert.That(results[0].Succeeded, Is.True);
        Assert.That(results[1].Error, Is.InstanceOf<IOException>().With.Message.Contains("disk full"));
        Assert.That(results[1].BytesWritten, Is.LessThan(data.Length));
    }

    [Test]
    public async Task When_every_destination_fails_the_writer_is_told()
    {
        await using var fanOut = new FanOutStream([FanOutDestination.WritingTo("broken", new FailingStream(failAfter: 10))], CancellationToken.None, chunkSize: 1024);

        var error = Assert.ThrowsAsync<IOException>(() => WriteInPiecesAsync(fanOut, new byte[1024 * 1024], 1024));

        Assert.That(error!.Message, Does.Contain("every destination failed").And.Contain("disk full"));
    }

    [Test]
    public async Task A_destination_that_stops_reading_early_is_reported_as_failed()
    {
        await using var fanOut = new FanOutStream(
            [FanOutDestination.Reading("quitter", async (source, ct) => await source.ReadExactlyAsync(new byte[10], ct)), FanOutDestination.WritingTo("good", Stream.Null)],
            CancellationToken.None,
            chunkSize: 1024);

        await WriteInPiecesAsync(fanOut, new byte[100_000], 1000);
        var results = await fanOut.CompleteAsync(CancellationToken.None);

        Assert.That(results[0].Error, Is.Not.Null.And.Message.Contains("stopped reading"));
        Assert.That(results[1].Succeeded, Is.True);
    }

    [Test]
    public async Task A_slow_destination_holds_the_writer_back_instead_of_buffering()
    {
        using var gate = new SemaphoreSlim(0);
        await using var fanOut = new FanOutStream(
            [FanOutDestination.Reading("gated", async (source, ct) => { await gate.WaitAsync(ct); await source.CopyToAsync(Stream.Null, ct); })],
            CancellationToken.None,
            chunkSize: 1024,
            chunksPerDestination: 4);

        var data = new byte[64 * 1024];

        var (waiting, acceptedBeforeWaiting) = WriteUntilAWriteWaits(fanOut, data, 512);

        Assert.That(waiting, Is.Not.Null, "every write was taken at once: the fan-out buffered the whole stream");
        Assert.That(acceptedBeforeWaiting, Is.EqualTo(4 * 1024), "four chunks of buffer, then the writer waits");
        Assert.That(fanOut.BytesWritten, Is.EqualTo(acceptedBeforeWaiting));
        gate.Release();
        await waiting!.Value;
        await WriteInPiecesAsync(fanOut, data.AsMemory(acceptedBeforeWaiting + 512), 512);
        var results = await fanOut.CompleteAsync(CancellationToken.None);
        Assert.That(results[0].BytesWritten, Is.EqualTo(64 * 1024));
    }

    [Test]
    public async Task Cancellation_stops_the_writer_and_every_destination()
    {
        using var cancellation = new CancellationTokenSource();
        var stuck = new TaskCompletionSource();
        await using var fanOut = new FanOutStream(
            [
                FanOutDestination.Reading("stuck", async (_, ct) => await stuck.Task.WaitAsync(ct)),
                FanOutDestination.WritingTo("fine", Stream.Null),
            ],
            cancellation.Token,
            chunkSize: 1024);

        var (waiting, _) = WriteUntilAWriteWaits(fanOut, new byte[1024 * 1024], 1024);
        Assert.That(waiting, Is.Not.Null, "the stuck destination never reads, so the writer must come to wait");
        await cancellation.CancelAsync();

        Assert.That(async () => await waiting!.Value, Throws.InstanceOf<OperationCanceledException>());
        var results = await fanOut.AbortAsync(new OperationCanceledException(), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(results.Select(r => r.Error), Has.All.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task An_aborted_fan_out_fails_its_readers_instead_of_ending_them()
    {
        Exception? seen = null;
        await using var fanOut = new FanOutStream(
            [FanOutDestination.Reading("upload", async (source, ct) =>
            {
                try
                {
                    await source.CopyToAsync(Stream.Null, ct);
                }
                catch (IOException e)
                {
                    seen = e;
                    throw;
                }
            })],
            CancellationToken.None);

        await fanOut.WriteAsync(new byte[1000]);
        var results = await fanOut.AbortAsync(new IOException("source failed"), CancellationToken.None);

        Assert.That(seen, Is.Not.Null.And.Message.EqualTo("source failed"));
        Assert.That(results[0].Succeeded, Is.False);
    }

    [Test]
    public async Task Memory_stays_bounded_while_200_MB_go_to_three_destinations()
    {
        const long total = 200L * 1024 * 1024;
        var source = new byte[256 * 1024];
        RandomNumberGenerator.Fill(source);
        var counters = new[] { new CountingStream(), new CountingStream(), new CountingStream() };
        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        await using (var fanOut = new FanOutStream(counters.Select((c, i) => FanOutDestination.WritingTo($"d{i}", c)), CancellationToken.None))
        {
            for (long written = 0; written < total; written += source.Length)
            {
                await fanOut.WriteAsync(source);
            }

            await fanOut.CompleteAsync(CancellationToken.None);
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Assert.That(counters.Select(c => c.Count), Is.All.EqualTo(total));
        TestContext.Out.WriteLine($"allocated {allocated / 1024 / 1024} MiB to fan out {total / 1024 / 1024} MiB to 3 destinations");
        Assert.That(allocated, Is.LessThan(32L * 1024 * 1024));
    }

    private static Task WriteInPiecesAsync(Stream destination, byte[] data, int pieceSize) => WriteInPiecesAsync(destination, data.AsMemory(), pieceSize);

    private static async Task WriteInPiecesAsync(Stream destination, ReadOnlyMemory<byte> data, int pieceSize)
    {
        for (var offset = 0; offset < data.Length; offset += pieceSize)
        {
            await destination.WriteAsync(data.Slice(offset, Math.Min(pieceSize, data.Length - offset)));
        }
    }

    /// <summary>
    /// Writes piece by piece while each write is taken at once, and returns the first write that has to wait for a
    /// destination (null if none did) with the bytes taken before it. The fan-out's channels complete a write
    /// synchronously while a chunk is free, so a write that does not is one held back by a destination: a signal
    /// instead of a guess at how long the writer needs to fill its buffers.
    /// </summary>
    private static (ValueTask? Waiting, int AcceptedBefore) WriteUntilAWriteWaits(Stream destination, byte[] data, int pieceSize)
    {
        for (var offset = 0; offset < data.Length; offset += pieceSize)
        {
            var write = destination.WriteAsync(data.AsMemory(offset, Math.Min(pieceSize, data.Length - offset)));
            if (!write.IsCompleted)
            {
                return (write, offset);
            }

            write.GetAwaiter().GetResult();
        }

        return (null, data.Length);
    }

    private sealed class FailingStream(int failAfter) : Stream
    {
        private long _written;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _written;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            _written += count;
            if (_written > failAfter)
            {
                throw new IOException("disk full");
            }
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
