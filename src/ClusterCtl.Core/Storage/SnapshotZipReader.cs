using System.Buffers;
using System.Buffers.Binary;

namespace ClusterCtl.Storage;

/// <summary>
/// Opens a snapshot artifact from a stream that need not seek (a download, a tar from a node) and streams the
/// db out while checking etcd's appended hash. Takes our zips, RKE's zips (absolute names), zips with relative
/// names, and raw <c>etcdctl snapshot save</c> files, told apart by their first bytes.
/// </summary>
internal static class SnapshotZipReader
{
    private const int CopyBufferSize = 1024 * 1024;
    private const int SniffLength = 20;
    private const int MaxRkeStateBytes = 64 * 1024 * 1024;

    // bbolt's meta page: a 16-byte page header, then the magic 0xED0CDAED (little-endian).
    private const int BoltMagicOffset = 16;
    private const uint BoltMagic = 0xED0CDAED;

    /// <summary>
    /// Copies the db (exactly as etcd wrote it, hash included) to <paramref name="dbDestination"/> and checks it.
    /// The bytes reach the destination before the verdict: when this throws, the caller must discard them.
    /// </summary>
    /// <param name="source">Names the artifact and where it is, e.g. "x.zip on 10.213.0.11", for error messages.</param>
    /// <exception cref="SnapshotCorruptException">Not a snapshot, a damaged zip, or a db that fails etcd's check or its manifest.</exception>
    public static async Task<SnapshotReadResult> ReadAsync(Stream artifact, Stream dbDestination, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        ArgumentNullException.ThrowIfNull(dbDestination);

        var input = new PushbackReader(artifact);
        var head = new byte[SniffLength];
        var got = await input.ReadAtMostAsync(head, cancellationToken);
        input.Unread(head.AsSpan(0, got));

        try
        {
            if (got >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(head) == ZipStreamReader.LocalHeaderSignature)
            {
                return await ReadZipAsync(input, dbDestination, source, cancellationToken);
            }

            if (got == SniffLength && BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(BoltMagicOffset)) == BoltMagic)
            {
                var check = await CopyCheckedAsync(input.ReadAsync, dbDestination, cancellationToken);
                return new SnapshotReadResult(SnapshotArtifactFormat.RawDb, null, check.EnsureIntact(source), null, null);
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new SnapshotCorruptException(source, e.Message, e);
        }

        throw new SnapshotCorruptException(source, "it is neither a zip nor an etcd snapshot db");
    }

    private static async Task<SnapshotReadResult> ReadZipAsync(PushbackReader input, Stream dbDestination, string source, CancellationToken cancellationToken)
    {
        using var zip = new ZipStreamReader(input);
        string? dbEntry = null;
        EtcdSnapshotCheck? check = null;
        SnapshotManifest? manifest = null;
        byte[]? rkeState = null;

        while (await zip.NextEntryAsync(cancellationToken) is { } entry)
        {
            if (SnapshotZipLayout.IsDirectory(entry.Name))
            {
                continue;
            }

            if (SnapshotZipLayout.IsManifest(entry.Name))
            {
                manifest = SnapshotManifest.FromJson(await ReadSmallAsync(zip.OpenEntryData(), entry.Name, SnapshotManifest.MaxJsonBytes, cancellationToken));
            }
            else if (SnapshotZipLayout.IsRkeState(entry.Name))
            {
                rkeState = await ReadSmallAsync(zip.OpenEntryData(), entry.Name, MaxRkeStateBytes, cancellationToken);
            }
            else if (dbEntry is not null)
            {
                // The db has already gone out; a second candidate means we cannot know which one was meant.
                throw new InvalidDataException($"it holds two files that could be the snapshot db ('{dbEntry}' and '{entry.Name}')");
            }
            else
            {
                dbEntry = entry.Name;
                check = await CopyCheckedAsync(zip.OpenEntryData().ReadAsync, dbDestination, cancellationToken);
            }
        }

        if (dbEntry is null || check is null)
        {
            throw new InvalidDataException("the zip holds no snapshot db (no /backup/<name> entry)");
        }

        check.EnsureIntact(source);
        if (manifest is not null && (manifest.DbSize != check.Length || !string.Equals(manifest.DbSha256, check.DbSha256, StringComparison.OrdinalIgnoreCase)))
        {
            throw new SnapshotCorruptException(source,
                $"the db ({check.Length} bytes, sha256 {check.DbSha256}) is not the one its manifest names ({manifest.DbSize} bytes, sha256 {manifest.DbSha256})");
        }

        return new SnapshotReadResult(SnapshotArtifactFormat.Zip, dbEntry, check, manifest, rkeState);
    }

    private static async Task<EtcdSnapshotCheck> CopyCheckedAsync(
        Func<Memory<byte>, CancellationToken, ValueTask<int>> read, Stream destination, CancellationToken cancellationToken)
    {
        using var verifier = new EtcdSnapshotVerifier();
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            int count;
            while ((count = await read(buffer.AsMemory(0, CopyBufferSize), cancellationToken)) > 0)
            {
                verifier.Append(buffer.AsSpan(0, count));
                await destination.WriteAsync(buffer.AsMemory(0, count), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return verifier.Complete();
    }

    private static async Task<byte[]> ReadSmallAsync(Stream data, string entryName, int limit, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await data.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (content.Length + read > limit)
            {
                throw new InvalidDataException($"zip entry '{entryName}' is larger than {limit / 1024} KiB");
            }

            content.Write(buffer, 0, read);
        }

        return content.ToArray();
    }
}
