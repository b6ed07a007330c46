using System.Buffers;
using System.IO.Compression;

namespace ClusterCtl.Storage;

/// <summary>
/// Writes the snapshot artifact (docs/design.md, "The snapshot artifact") in one pass: the db is read once from a stream that need not seek,
/// checked against etcd's appended hash on the way, and deflated into a zip written to a stream that need not
/// seek either. On an unseekable output ZipArchive sets general-purpose bit 3 and writes each entry's CRC and
/// sizes in a data descriptor after its data, so nothing is ever rewound. The manifest goes last, because the
/// db's size and hash are only known once it has streamed through.
/// </summary>
internal sealed class SnapshotZipWriter
{
    private const int CopyBufferSize = 1024 * 1024;

    // Owner read/write only, as a regular file: the db holds every Secret of the cluster.
    private const int UnixRegularFile0600 = 0x8180 << 16;

    private readonly CompressionLevel _level;

    /// <param name="level">
    /// Fastest by default: on Kubernetes-like data it zipped at ~280 MB/s to 29 % of the size here, against
    /// ~110 MB/s and 21 % for Optimal (SnapshotZipBenchmark), so it keeps up with ssh and S3. NoCompression is refused, since RKE
    /// expects deflate entries and a stored entry with a data descriptor cannot be read back as a stream.
    /// </param>
    public SnapshotZipWriter(CompressionLevel level = CompressionLevel.Fastest)
    {
        if (level == CompressionLevel.NoCompression)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "snapshot zips are always deflated");
        }

        _level = level;
    }

    /// <summary>
    /// Zips <paramref name="snapshot"/> (etcd's file, appended hash included) as <c>/backup/&lt;name&gt;</c>, then the
    /// optional RKE state as <c>/etc/kubernetes/&lt;name&gt;.rkestate</c>, then the manifest. Neither stream is closed.
    /// If the db fails etcd's check, <see cref="SnapshotCorruptException"/> is thrown before the manifest and the
    /// central directory are written, so the output is never a valid-looking zip of a corrupt snapshot.
    /// </summary>
    /// <param name="source">Names the snapshot and where it comes from, for error messages.</param>
    /// <param name="completedOrigin">
    /// <paramref name="origin"/> completed with what is still being read off the node while the db streams (the
    /// revision, the proof); awaited only for the manifest, which goes last. Null: <paramref name="origin"/> is complete.
    /// </param>
    public async Task<SnapshotZipResult> WriteAsync(
        string name,
        Stream snapshot,
        Stream output,
        SnapshotOrigin origin,
        ReadOnlyMemory<byte>? rkeState,
        string source,
        CancellationToken cancellationToken,
        Task<SnapshotOrigin>? completedOrigin = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(origin);
        SnapshotName.Validate(name);

        using var hashingOutput = new HashingWriteStream(output);

        // Not disposed on failure on purpose: disposing would write a central directory and so finish the zip.
        var archive = await ZipArchive.CreateAsync(hashingOutput, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, cancellationToken);

        var check = await WriteDbEntryAsync(archive, name, snapshot, origin.CreatedAt, cancellationToken);
        check.EnsureIntact(source);

        if (rkeState is { } state)
        {
            await WriteSmallEntryAsync(archive, SnapshotZipLayout.RkeStateEntryName(name), state, origin.CreatedAt, cancellationToken);
        }

        var manifest = SnapshotManifest.Create(name, completedOrigin is null ? origin : await completedOrigin, check);
        await WriteSmallEntryAsync(archive, SnapshotZipLayout.ManifestEntryName, manifest.ToJsonBytes(), origin.CreatedAt, cancellationToken);
        await archive.DisposeAsync();
        await hashingOutput.FlushAsync(cancellationToken);

        return new SnapshotZipResult(manifest, check, hashingOutput.BytesWritten, hashingOutput.CurrentSha256(), hashingOutput.CurrentMd5());
    }

    private async Task<EtcdSnapshotCheck> WriteDbEntryAsync(
        ZipArchive archive, string name, Stream snapshot, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        var entry = NewEntry(archive, SnapshotZipLayout.DbEntryName(name), createdAt);
        using var verifier = new EtcdSnapshotVerifier();
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            var entryStream = await entry.OpenAsync(cancellationToken);
            await using (entryStream)
            {
                int read;
                while ((read = await snapshot.ReadAsync(buffer.AsMemory(0, CopyBufferSize), cancellationToken)) > 0)
                {
                    verifier.Append(buffer.AsSpan(0, read));
                    await entryStream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return verifier.Complete();
    }

    private async Task WriteSmallEntryAsync(
        ZipArchive archive, string entryName, ReadOnlyMemory<byte> content, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        var entryStream = await NewEntry(archive, entryName, createdAt).OpenAsync(cancellationToken);
        await using (entryStream)
        {
            await entryStream.WriteAsync(content, cancellationToken);
        }
    }

    private ZipArchiveEntry NewEntry(ZipArchive archive, string entryName, DateTimeOffset createdAt)
    {
        var entry = archive.CreateEntry(entryName, _level);
        entry.LastWriteTime = ZipTimestamp(createdAt);
        entry.ExternalAttributes = UnixRegularFile0600;
        return entry;
    }

    // Zip timestamps cover 1980-2107 only; a clock outside that would make ZipArchive throw.
    private static DateTimeOffset ZipTimestamp(DateTimeOffset createdAt)
    {
        var utc = createdAt.ToUniversalTime();
        return utc.Year is >= 1980 and < 2108 ? utc : new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
    }
}
