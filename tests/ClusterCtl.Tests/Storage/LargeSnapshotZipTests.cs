using System.Security.Cryptography;
using ClusterCtl.Storage;
using ClusterCtl.Testing;

namespace ClusterCtl.Tests.Storage;

/// <summary>
/// A db over 4 GiB needs zip64 sizes: on an unseekable stream ZipArchive puts them in the data descriptor and
/// the central directory only. It pushes 4.3 GB of zero pages through deflate, SHA-256 and inflate: about 10 s
/// here, kept in the suite because etcd dbs reach 8 GiB and nothing else covers zip64.
/// </summary>
[Category("Slow")]
public class LargeSnapshotZipTests
{
    [Test]
    public async Task A_db_over_4_GiB_round_trips_through_an_unseekable_zip()
    {
        const long dbLength = (4L << 30) + (64L << 20);
        var zip = new MemoryStream();

        var written = await new SnapshotZipWriter().WriteAsync(
            "huge", new ZeroDbStream(dbLength), new UnseekableWriteStream(zip), new SnapshotOrigin(null, DateTimeOffset.UtcNow, null, null, null), null, "huge", CancellationToken.None);
        zip.Position = 0;
        var extracted = new CountingStream();
        var read = await SnapshotZipReader.ReadAsync(zip, extracted, "huge", CancellationToken.None);

        Assert.That(written.Check.Length, Is.EqualTo(dbLength + 32));
        Assert.That(extracted.Count, Is.EqualTo(dbLength + 32));
        Assert.That(read.Check.DbSha256, Is.EqualTo(written.Check.DbSha256));
        Assert.That(read.Manifest!.DbSize, Is.EqualTo(dbLength + 32));
    }

    /// <summary>A db of zero pages followed by its SHA-256, made as it is read.</summary>
    private sealed class ZeroDbStream(long dbLength) : Stream
    {
        private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _position;
        private byte[]? _hash;

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
            if (_position < dbLength)
            {
                var count = (int)Math.Min(buffer.Length, dbLength - _position);
                buffer[..count].Clear();
                _sha256.AppendData(buffer[..count]);
                _position += count;
                return count;
            }

            _hash ??= _sha256.GetHashAndReset();
            var hashOffset = (int)(_position - dbLength);
            var rest = Math.Min(buffer.Length, _hash.Length - hashOffset);
            _hash.AsSpan(hashOffset, rest).CopyTo(buffer);
            _position += rest;
            return rest;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _sha256.Dispose();
            base.Dispose(disposing);
        }
    }
}
