using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using ClusterCtl.Storage;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Storage;

/// <summary>
/// The save path end to end against the testbed's s3rver: a 256 MiB snapshot streamed once through the zip
/// writer into a fan-out to three node stand-ins and an S3 upload, with peak memory sampled on the way; and a
/// bare S3 upload for its own throughput. Explicit: prints figures for the storage notes, asserts no speed.
/// Run: dotnet test tests/ClusterCtl.IntegrationTests -c Release --filter "FullyQualifiedName~StoragePipelineBenchmark" --logger "console;verbosity=detailed"
/// </summary>
[Explicit("benchmark: run by hand")]
[Category("Benchmark")]
public class StoragePipelineBenchmark
{
    [OneTimeTearDown]
    public Task Delete_what_the_tests_stored() => S3rver.DeleteTestFoldersAsync();

    private const long SnapshotBytes = 256L * 1024 * 1024;

    [TestCase(256)]
    [TestCase(1024)]
    public async Task Zip_fan_out_and_upload_in_one_pass_with_bounded_memory(int snapshotMebibytes)
    {
        var snapshotBytes = snapshotMebibytes * 1024L * 1024;
        using var store = new S3SnapshotStore(S3rver.Options());
        var nodes = new[] { new CountingStream(), new CountingStream(), new CountingStream() };
        var manifest = new TaskCompletionSource<SnapshotManifest>(TaskCreationOptions.RunContinuationsAsynchronously);
        S3UploadResult? uploaded = null;
        KubernetesLikeSnapshotStream.Prepare();
        GC.Collect();
        var before = MemoryFigures.Take();
        using var sampler = new PeakSampler();
        var clock = Stopwatch.StartNew();

        SnapshotZipResult zipped;
        IReadOnlyList<FanOutResult> results;
        await using (var fanOut = new FanOutStream(
            [
                .. nodes.Select((n, i) => FanOutDestination.WritingTo($"node{i + 1}", n)),
                FanOutDestination.Reading("s3", async (zip, ct) => uploaded = await store.UploadAsync("pipeline", zip, manifest.Task, null, ct)),
            ],
            CancellationToken.None))
        {
            zipped = await new SnapshotZipWriter().WriteAsync(
                "pipeline", new KubernetesLikeSnapshotStream(snapshotBytes), fanOut, new SnapshotOrigin("bench", DateTimeOffset.UtcNow, "3.5.16", 1, "bench"), null, "bench", CancellationToken.None);
            manifest.SetResult(zipped.Manifest);
            results = await fanOut.CompleteAsync(CancellationToken.None);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var after = MemoryFigures.Take();
        Assert.That(results.Select(r => r.Error), Is.All.Null);
        Assert.That(uploaded!.ZipSha256, Is.EqualTo(zipped.ZipSha256));
        Assert.That(nodes.Select(n => n.Count), Is.All.EqualTo(zipped.ZipLength));

        TestContext.Out.WriteLine(
            $"pipeline: {snapshotBytes / 1e6:F0} MB db -> {zipped.ZipLength / 1e6:F0} MB zip -> 3 nodes + s3 in {seconds:F1} s = {snapshotBytes / 1e6 / seconds:F0} MB/s of db, {zipped.ZipLength / 1e6 / seconds:F0} MB/s of zip");
        TestContext.Out.WriteLine(
            $"memory: working set {before.WorkingSet / 1e6:F0} MB before, peak {sampler.Peak / 1e6:F0} MB during (+{(sampler.Peak - before.WorkingSet) / 1e6:F0} MB); managed heap allocated {(after.Allocated - before.Allocated) / 1e6:F0} MB in total");
        foreach (var r in results)
        {
            TestContext.Out.WriteLine($"  {r.Name}: {r.BytesWritten / 1e6:F0} MB in {r.Elapsed.TotalSeconds:F1} s");
        }
    }

    [Test]
    public async Task Bare_s3_upload_throughput()
    {
        using var store = new S3SnapshotStore(S3rver.Options());
        var manifest = new SnapshotManifest(1, "bare", null, DateTimeOffset.UtcNow, null, null, SnapshotBytes, new string('0', 64), null, null);
        var clock = Stopwatch.StartNew();

        var uploaded = await store.UploadAsync("bare", new RandomStream(SnapshotBytes), manifest, null, null, CancellationToken.None);

        var seconds = clock.Elapsed.TotalSeconds;
        TestContext.Out.WriteLine($"s3 upload: {uploaded.Length / 1e6:F0} MB in {uploaded.Parts} parts in {seconds:F1} s = {uploaded.Length / 1e6 / seconds:F0} MB/s");
    }

    private sealed record MemoryFigures(long WorkingSet, long Allocated)
    {
        public static MemoryFigures Take()
        {
            using var process = Process.GetCurrentProcess();
            return new MemoryFigures(process.WorkingSet64, GC.GetTotalAllocatedBytes(precise: true));
        }
    }

    private sealed class PeakSampler : IDisposable
    {
        private readonly Timer _timer;
        private long _peak;

        public PeakSampler()
        {
            _timer = new Timer(_ => Sample(), null, 0, 20);
        }

        public long Peak => Interlocked.Read(ref _peak);

        public void Dispose()
        {
            _timer.Dispose();
            Sample();
        }

        private void Sample()
        {
            using var process = Process.GetCurrentProcess();
            var current = process.WorkingSet64;
            long seen;
            while (current > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, current, seen) != seen)
            {
            }
        }
    }

    /// <summary>Random bytes of a given length, made as they are read.</summary>
    private class RandomStream(long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var count = (int)Math.Min(buffer.Length, length - _position);
            Produce(buffer[..count], _position);
            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected virtual void Produce(Span<byte> destination, long position) => RandomNumberGenerator.Fill(destination);
    }

    /// <summary>
    /// An etcd snapshot of Kubernetes-like JSON made as it is read: a 16 MiB block of varied objects repeated
    /// (far beyond deflate's 32 KiB window, so it compresses like fresh data), then etcd's SHA-256 of it all.
    /// </summary>
    private sealed class KubernetesLikeSnapshotStream(long dbLength) : RandomStream(dbLength + 32)
    {
        private static readonly byte[] Block = MakeBlock(16 * 1024 * 1024);

        /// <summary>Makes the block now, so that its making is not counted as the pipeline's memory.</summary>
        public static void Prepare() => _ = Block.Length;
        private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private byte[]? _hash;

        protected override void Produce(Span<byte> destination, long position)
        {
            var dbPart = (int)Math.Max(0, Math.Min(destination.Length, dbLength - position));
            for (var i = 0; i < dbPart;)
            {
                var at = (int)((position + i) % Block.Length);
                var count = Math.Min(dbPart - i, Block.Length - at);
                Block.AsSpan(at, count).CopyTo(destination[i..]);
                i += count;
            }

            _sha256.AppendData(destination[..dbPart]);
            if (dbPart < destination.Length)
            {
                _hash ??= _sha256.GetHashAndReset();
                var hashOffset = (int)(position + dbPart - dbLength);
                _hash.AsSpan(hashOffset, destination.Length - dbPart).CopyTo(destination[dbPart..]);
            }
        }

        protected override void Dispose(bool disposing)
        {
            _sha256.Dispose();
            base.Dispose(disposing);
        }

        private static byte[] MakeBlock(int length)
        {
            var random = new Random(7);
            var kinds = new[] { "ConfigMap", "Secret", "Pod", "Service", "Endpoints", "Event", "Lease" };
            var text = new StringBuilder(length + 4096);
            while (text.Length < length)
            {
                var kind = kinds[random.Next(kinds.Length)];
                var name = $"{kind.ToLowerInvariant()}-{random.Next(100000):x5}";
                var token = new byte[random.Next(8, 48)];
                random.NextBytes(token);
                text.Append("{\"apiVersion\":\"v1\",\"kind\":\"").Append(kind).Append("\",\"metadata\":{\"name\":\"").Append(name)
                    .Append("\",\"namespace\":\"kube-system\",\"uid\":\"").Append(Guid.NewGuid()).Append("\",\"resourceVersion\":\"")
                    .Append(random.Next(1, 99999999)).Append("\"},\"data\":{\"token\":\"").Append(Convert.ToBase64String(token)).Append("\"}}");
            }

            return Encoding.UTF8.GetBytes(text.ToString(0, length));
        }
    }
}
