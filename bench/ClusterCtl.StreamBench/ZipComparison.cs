using System.Buffers;
using ClusterCtl.Storage;
using SharpCompress.Providers;
using SharpCompress.Providers.System;
using SharpCompress.Readers;
using SharpCompress.Readers.Zip;

namespace ClusterCtl.StreamBench;

/// <summary>
/// (a) Reading a snapshot zip from a stream that cannot seek, inflating the db into a null sink while etcd's hash is
/// checked: our <see cref="SnapshotZipReader"/> against SharpCompress's forward-only <see cref="ZipReader"/>, once with
/// its own managed inflater (its default) and once with the System.IO.Compression one it can be given instead.
/// </summary>
internal static class ZipComparison
{
    // What a network read hands over at a time; both readers get the same pieces.
    private const int Piece = 64 * 1024;
    private const int CopyBufferSize = 1024 * 1024;

    public static async Task<IReadOnlyList<Row>> RunAsync(Payload payload, int runs, TextWriter log)
    {
        var rows = new List<Row>();
        foreach (var (label, zip) in new[]
        {
            ("zip, deflated + data descriptor", payload.DeflatedZip),
            ("zip, deflated, sizes in the local header", payload.DeflatedSizedZip),
            ("zip, stored", payload.StoredZip),
        })
        {
            rows.AddRange(await Measure.CompareAsync(label, payload.Db.Length, runs,
            [
                new("ours: SnapshotZipReader", async () => Expect(payload, (await SnapshotZipReader.ReadAsync(new PieceStream(zip, Piece), Stream.Null, "bench", CancellationToken.None)).Check)),
                new("SharpCompress ZipReader (managed inflate)", async () => Expect(payload, (await ReadAsync(new PieceStream(zip, Piece), Stream.Null, systemDeflate: false, CancellationToken.None)).Check)),
                new("SharpCompress ZipReader (managed inflate), sync API", () => Task.Run(() => Expect(payload, Read(new PieceStream(zip, Piece), Stream.Null).Check))),
                new("SharpCompress ZipReader + System deflate provider", async () => Expect(payload, (await ReadAsync(new PieceStream(zip, Piece), Stream.Null, systemDeflate: true, CancellationToken.None)).Check)),
            ], log));
        }

        return rows;
    }

    /// <summary>
    /// What a SharpCompress-based snapshot reader would do: the forward-only reader over the artifact, the one
    /// file entry copied out through the same etcd hash check our reader applies.
    /// </summary>
    public static async Task<(string Entry, EtcdSnapshotCheck Check)> ReadAsync(Stream artifact, Stream destination, bool systemDeflate, CancellationToken cancellationToken)
    {
        var options = new ReaderOptions { LeaveStreamOpen = true };
        if (systemDeflate)
        {
            options = options with { Providers = CompressionProviderRegistry.Default.With(new SystemDeflateCompressionProvider()) };
        }

        await using var reader = await ZipReader.OpenAsyncReader(artifact, options, cancellationToken);
        string? entry = null;
        EtcdSnapshotCheck? check = null;
        while (await reader.MoveToNextEntryAsync(cancellationToken))
        {
            if (reader.Entry.IsDirectory)
            {
                continue;
            }

            if (entry is not null)
            {
                throw new InvalidDataException($"it holds two files ('{entry}' and '{reader.Entry.Key}')");
            }

            entry = reader.Entry.Key ?? "";
            var data = await reader.OpenEntryStreamAsync(cancellationToken);
            await using (data)
            {
                check = await CopyCheckedAsync(data, destination, cancellationToken);
            }
        }

        return entry is null || check is null ? throw new InvalidDataException("the zip holds no file") : (entry, check);
    }

    /// <summary>The same through SharpCompress's synchronous API, in case its async path costs extra.</summary>
    public static (string Entry, EtcdSnapshotCheck Check) Read(Stream artifact, Stream destination)
    {
        using var reader = ZipReader.OpenReader(artifact, new ReaderOptions { LeaveStreamOpen = true });
        string? entry = null;
        EtcdSnapshotCheck? check = null;
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            while (reader.MoveToNextEntry())
            {
                if (reader.Entry.IsDirectory)
                {
                    continue;
                }

                if (entry is not null)
                {
                    throw new InvalidDataException($"it holds two files ('{entry}' and '{reader.Entry.Key}')");
                }

                entry = reader.Entry.Key ?? "";
                using var data = reader.OpenEntryStream();
                using var verifier = new EtcdSnapshotVerifier();
                int count;
                while ((count = data.Read(buffer, 0, CopyBufferSize)) > 0)
                {
                    verifier.Append(buffer.AsSpan(0, count));
                    destination.Write(buffer, 0, count);
                }

                check = verifier.Complete();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return entry is null || check is null ? throw new InvalidDataException("the zip holds no file") : (entry, check);
    }

    private static async Task<EtcdSnapshotCheck> CopyCheckedAsync(Stream data, Stream destination, CancellationToken cancellationToken)
    {
        using var verifier = new EtcdSnapshotVerifier();
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            int count;
            while ((count = await data.ReadAsync(buffer.AsMemory(0, CopyBufferSize), cancellationToken)) > 0)
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

    private static void Expect(Payload payload, EtcdSnapshotCheck check)
    {
        if (!check.IsIntact || check.Length != payload.Db.Length || check.DbSha256 != payload.DbSha256)
        {
            throw new InvalidOperationException($"the db read back is not the one zipped ({check.Length} bytes, sha256 {check.DbSha256})");
        }
    }
}
