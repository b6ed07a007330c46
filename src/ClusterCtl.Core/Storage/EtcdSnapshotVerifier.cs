using System.Security.Cryptography;

namespace ClusterCtl.Storage;

/// <summary>
/// Checks etcd's integrity hash while a snapshot streams past, without buffering it. <c>etcdctl snapshot save</c>
/// writes the bbolt db and then the SHA-256 of the db; etcd's restore takes the last 32 bytes as that hash when
/// <c>size % 512 == 32</c> and compares it with the SHA-256 of everything before them. Here the end is unknown
/// until <see cref="Complete"/>, so the newest 32 bytes wait in a small sliding tail and only bytes that are
/// surely not the hash go into the db hasher. One SHA-256 pass gives both hashes: the db hasher is cloned for
/// the db's digest, then fed the tail for the whole file's digest.
/// </summary>
internal sealed class EtcdSnapshotVerifier : IDisposable
{
    public const int HashSize = SHA256.HashSizeInBytes;

    // bbolt pages are 4 KiB (or a larger power of two), always a multiple of 512: etcd's own test for a hash.
    private const int PageMultiple = 512;

    private readonly IncrementalHash _hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _tail = new byte[HashSize];
    private int _tailLength;
    private long _length;
    private EtcdSnapshotCheck? _result;

    public long Length => _length;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_result is not null)
        {
            throw new InvalidOperationException("the snapshot was already completed");
        }

        _length += data.Length;
        if (data.Length >= HashSize)
        {
            _hasher.AppendData(_tail.AsSpan(0, _tailLength));
            _hasher.AppendData(data[..^HashSize]);
            data[^HashSize..].CopyTo(_tail);
            _tailLength = HashSize;
            return;
        }

        var overflow = _tailLength + data.Length - HashSize;
        if (overflow > 0)
        {
            _hasher.AppendData(_tail.AsSpan(0, overflow));
            _tail.AsSpan(overflow, _tailLength - overflow).CopyTo(_tail);
            _tailLength -= overflow;
        }

        data.CopyTo(_tail.AsSpan(_tailLength));
        _tailLength += data.Length;
    }

    /// <summary>Ends the stream and gives the verdict; further appends are refused.</summary>
    public EtcdSnapshotCheck Complete()
    {
        if (_result is not null)
        {
            return _result;
        }

        var hasHash = _length % PageMultiple == HashSize;
        Span<byte> dbDigest = stackalloc byte[HashSize];
        using (var beforeTail = _hasher.Clone())
        {
            beforeTail.GetHashAndReset(dbDigest);
        }

        var appended = _tail.AsSpan(0, _tailLength);
        var matches = hasHash && dbDigest.SequenceEqual(appended);
        _hasher.AppendData(appended);
        var fileDigest = _hasher.GetHashAndReset();
        _result = new EtcdSnapshotCheck(
            _length, hasHash, matches, Convert.ToHexStringLower(fileDigest), hasHash ? Convert.ToHexStringLower(appended) : null);
        return _result;
    }

    /// <summary>Reads a whole stream through a fresh verifier; for files at rest and for tests.</summary>
    public static async Task<EtcdSnapshotCheck> CheckAsync(Stream snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        using var verifier = new EtcdSnapshotVerifier();
        var buffer = new byte[128 * 1024];
        int read;
        while ((read = await snapshot.ReadAsync(buffer, cancellationToken)) > 0)
        {
            verifier.Append(buffer.AsSpan(0, read));
        }

        return verifier.Complete();
    }

    public void Dispose() => _hasher.Dispose();
}
