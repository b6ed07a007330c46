using System.Security.Cryptography;
using ClusterCtl.Storage;

namespace ClusterCtl.Tests.Storage;

public class ReadAheadStreamTests
{
    [Test]
    public async Task A_source_that_arrives_in_small_pieces_is_read_whole_in_order_and_in_full_chunks()
    {
        var data = RandomNumberGenerator.GetBytes(3 * 64 * 1024 + 4321);
        await using var ahead = new ReadAheadStream(new TricklingStream(data, pieceSize: 1000), chunkSize: 64 * 1024, depth: 2);

        var sizes = new List<int>();
        var copy = new MemoryStream();
        var buffer = new byte[1024 * 1024];
        int read;
        while ((read = await ahead.ReadAsync(buffer)) > 0)
        {
            sizes.Add(read);
            copy.Write(buffer, 0, read);
        }

        Assert.That(copy.ToArray(), Is.EqualTo(data));
        Assert.That(sizes, Is.EqualTo(new[] { 64 * 1024, 64 * 1024, 64 * 1024, 4321 }));
    }

    [Test]
    public async Task A_failing_source_fails_the_reader_instead_of_ending_the_stream()
    {
        await using var ahead = new ReadAheadStream(new TricklingStream(new byte[100_000], pieceSize: 1000, failAfter: 50_000), chunkSize: 16 * 1024);

        var copy = new MemoryStream();
        Assert.That(async () => await ahead.CopyToAsync(copy), Throws.InstanceOf<IOException>().With.Message.Contains("connection reset"));
        Assert.That(copy.Length, Is.LessThan(50_000));
    }

    [Test]
    public async Task Disposing_before_the_end_stops_reading_and_disposes_the_source()
    {
        var source = new TricklingStream(new byte[10 * 1024 * 1024], pieceSize: 4096);
        var ahead = new ReadAheadStream(source, chunkSize: 64 * 1024, depth: 2);
        Assert.That(await ahead.ReadAsync(new byte[10]), Is.EqualTo(10));

        await ahead.DisposeAsync();

        Assert.That(source.Disposed, Is.True);
        Assert.That(source.Position, Is.LessThanOrEqualTo(4 * 64 * 1024), "it reads at most depth + 1 chunks ahead");
    }

    [Test]
    public async Task A_read_never_crosses_a_chunk_and_a_source_ending_on_a_chunk_boundary_ends_there()
    {
        var data = RandomNumberGenerator.GetBytes(2 * 64 * 1024);
        await using var ahead = new ReadAheadStream(new TricklingStream(data, pieceSize: 1000), chunkSize: 64 * 1024, depth: 2);
        var buffer = new byte[1024 * 1024];

        var sizes = new List<int> { await ahead.ReadAsync(buffer.AsMemory(0, 10)) };
        int read;
        while ((read = await ahead.ReadAsync(buffer)) > 0)
        {
            sizes.Add(read);
        }

        Assert.That(sizes, Is.EqualTo(new[] { 10, 64 * 1024 - 10, 64 * 1024 }));
        Assert.That(await ahead.ReadAsync(buffer), Is.Zero, "the end stays the end");
    }

    [Test]
    public async Task A_consumer_that_does_not_read_holds_the_source_at_depth_plus_one_chunks()
    {
        var source = new TricklingStream(new byte[10 * 1024 * 1024], pieceSize: 4096);
        await using var ahead = new ReadAheadStream(source, chunkSize: 64 * 1024, depth: 2);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (source.Position < 3 * 64 * 1024 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await Task.Delay(200);
        Assert.That(source.Position, Is.EqualTo(3 * 64 * 1024));
    }

    [Test]
    public async Task Cancelling_a_read_that_waits_for_the_source_throws_and_disposing_still_stops_the_source()
    {
        var source = new HangingStream();
        var ahead = new ReadAheadStream(source, chunkSize: 1024, depth: 1);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        Assert.That(async () => await ahead.ReadAsync(new byte[10], cancellation.Token), Throws.InstanceOf<OperationCanceledException>());

        await ahead.DisposeAsync();
        Assert.That(source.Disposed, Is.True);
        Assert.That(async () => await ahead.ReadAsync(new byte[10]), Throws.InstanceOf<ObjectDisposedException>());
    }

    /// <summary>Never hands out a byte; only cancellation ends a read.</summary>
    private sealed class HangingStream : Stream
    {
        public bool Disposed { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }

    /// <summary>Hands out at most <c>pieceSize</c> bytes a read, the way an HTTP response body arrives.</summary>
    private sealed class TricklingStream(byte[] data, int pieceSize, int failAfter = int.MaxValue) : Stream
    {
        private int _position;

        public bool Disposed { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            if (_position >= failAfter)
            {
                throw new IOException("connection reset by peer");
            }

            var count = Math.Min(Math.Min(buffer.Length, pieceSize), data.Length - _position);
            data.AsMemory(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
