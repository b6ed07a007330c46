using System.Security.Cryptography;

namespace ClusterCtl.Testing;

/// <summary>
/// A db of zero pages followed by its SHA-256, made as it is read: the only cheap way to a zip64 entry, and the shape
/// etcd gives a snapshot (the db, then its hash).
/// </summary>
internal sealed class ZeroDbStream(long dbLength) : Stream
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
        if (disposing)
        {
            _sha256.Dispose();
        }

        base.Dispose(disposing);
    }
}
