using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ClusterCtl.Storage;
using ClusterCtl.Testing;

namespace ClusterCtl.StreamBench;

/// <summary>
/// What each reader makes of the damaged and unusual zips our unit tests feed <see cref="SnapshotZipReader"/>. The
/// SharpCompress reader is the one a replacement would use (<see cref="ZipComparison.ReadAsync"/>), etcd's hash
/// check included, so the question is only what the zip layer itself notices.
/// </summary>
internal static class CorruptionChecks
{
    private const int Piece = 64 * 1024;

    public static async Task<string> RunAsync(bool zip64, TextWriter log)
    {
        var db = Payload.KubernetesLikeDb(4 * 1024 * 1024, seed: 7);
        var zip = Payload.Zip(db, CompressionLevel.Optimal, seekable: false);
        var cases = new List<(string Case, Func<byte[]> Zip)>
        {
            ("intact: deflated, data descriptor, absolute name", () => zip),
            ("intact: stored, sizes in the local header", () => Payload.Zip(db, CompressionLevel.NoCompression, seekable: true)),
            ("intact: deflated, sizes in the local header (no data descriptor)", () => Payload.Zip(db, CompressionLevel.Optimal, seekable: true)),
            ("intact: relative name after a directory entry", () => TwoEntries(db)),
            ("data descriptor without its signature", () => WithoutDescriptorSignature(zip)),
            ("truncated: last byte cut (in the end record)", () => zip[..^1]),
            ("truncated: last 20 bytes cut (in the end record)", () => zip[..^20]),
            ("truncated: last 100 bytes cut (in the data descriptor)", () => zip[..^100]),
            ("truncated: last 1000 bytes cut (inside the data)", () => zip[..^1000]),
            ("truncated: cut in half", () => zip[..(zip.Length / 2)]),
            ("wrong CRC-32, data intact", () => WithWrongCrc(zip)),
            ("wrong size: data descriptor says one byte more, central directory right", () => WithWrongDescriptorSize(zip)),
            ("wrong size: stored entry, local header one byte short", () => WithShortStoredSize(Payload.Zip(db, CompressionLevel.NoCompression, seekable: true))),
            ("one flipped byte in the deflate data", () => Flipped(zip, zip.Length / 2)),
            ("db with a flipped byte, zipped intact", () => Payload.Zip(Flipped(db, db.Length / 2), CompressionLevel.Optimal, seekable: false)),
        };
        if (zip64)
        {
            // 4 GiB + 64 MiB of zero pages: sizes beyond 32 bits, so a zip64 data descriptor and central directory.
            cases.Add(("zip64: db over 4 GiB, data descriptor", () => Payload.Zip(new ZeroDbStream((4L << 30) + (64L << 20)), CompressionLevel.Fastest, seekable: false)));
        }

        var table = new StringBuilder();
        table.AppendLine("| case | ours: SnapshotZipReader | SharpCompress (managed inflate) | SharpCompress + System deflate |");
        table.AppendLine("|---|---|---|---|");
        foreach (var (name, make) in cases)
        {
            log.WriteLine($"  check: {name}");
            var bytes = make();
            var ours = await OursAsync(bytes);
            var managed = await SharpCompressAsync(bytes, systemDeflate: false);
            var system = await SharpCompressAsync(bytes, systemDeflate: true);
            table.AppendLine($"| {name} | {Cell(ours)} | {Cell(managed)} | {Cell(system)} |");
        }

        return table.ToString();
    }

    private static async Task<string> OursAsync(byte[] zip)
    {
        try
        {
            var read = await SnapshotZipReader.ReadAsync(new PieceStream(zip, Piece), Stream.Null, "x.zip on node1", CancellationToken.None);
            return $"accepts: '{read.DbEntryName}', {read.Check.Length} bytes";
        }
        catch (SnapshotCorruptException e)
        {
            return "refuses: " + e.Message;
        }
#pragma warning disable CA1031 // anything else is a finding to report
        catch (Exception e)
#pragma warning restore CA1031
        {
            return $"throws {e.GetType().Name}: {e.Message}";
        }
    }

    private static async Task<string> SharpCompressAsync(byte[] zip, bool systemDeflate)
    {
        try
        {
            var (entry, check) = await ZipComparison.ReadAsync(new PieceStream(zip, Piece), Stream.Null, systemDeflate, CancellationToken.None);
            return check.IsIntact
                ? $"accepts: '{entry}', {check.Length} bytes"
                : $"reads '{entry}' ({check.Length} bytes) without complaint; only our etcd hash check refuses it";
        }
#pragma warning disable CA1031 // anything it throws is the finding
        catch (Exception e)
#pragma warning restore CA1031
        {
            return $"throws {e.GetType().Name}: {e.Message}";
        }
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static byte[] Flipped(byte[] bytes, int at)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] ^= 0x01;
        return copy;
    }

    private static byte[] TwoEntries(byte[] db)
    {
        var output = new MemoryStream();
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            archive.CreateEntry("backup/");
            using var entry = archive.CreateEntry("backup/bench_etcd_snapshot", CompressionLevel.Optimal).Open();
            entry.Write(db);
        }

        return output.ToArray();
    }

    // The one entry's data ends where the central directory says its compressed bytes end; the descriptor follows.
    private static int DescriptorOffset(byte[] zip)
    {
        var eocd = zip.AsSpan().LastIndexOf("PK\x05\x06"u8);
        var directory = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(eocd + 16));
        var compressed = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(directory + 20));
        var header = 30 + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(26)) + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(28));
        var at = header + compressed;
        return BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at)) == 0x08074b50 ? at : throw new InvalidOperationException("no signed data descriptor after the entry");
    }

    private static byte[] WithoutDescriptorSignature(byte[] zip)
    {
        var at = DescriptorOffset(zip);
        var stripped = (byte[])[.. zip[..at], .. zip[(at + 4)..]];
        var eocd = stripped.AsSpan().LastIndexOf("PK\x05\x06"u8);
        var directory = BinaryPrimitives.ReadUInt32LittleEndian(stripped.AsSpan(eocd + 16));
        BinaryPrimitives.WriteUInt32LittleEndian(stripped.AsSpan(eocd + 16), directory - 4);
        return stripped;
    }

    // The uncompressed size follows the signature, the CRC-32 and the compressed size; the data itself is intact.
    private static byte[] WithWrongDescriptorSize(byte[] zip)
    {
        var copy = (byte[])zip.Clone();
        var at = DescriptorOffset(copy) + 12;
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(at), BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(at)) + 1);
        return copy;
    }

    // Both sizes in the local header (compressed at 18, uncompressed at 22) one less than the bytes that follow.
    private static byte[] WithShortStoredSize(byte[] zip)
    {
        var copy = (byte[])zip.Clone();
        if (BinaryPrimitives.ReadUInt16LittleEndian(copy.AsSpan(8)) != 0 || (BinaryPrimitives.ReadUInt16LittleEndian(copy.AsSpan(6)) & 0x0008) != 0)
        {
            throw new InvalidOperationException("not a stored entry with its sizes in the local header");
        }

        foreach (var at in new[] { 18, 22 })
        {
            BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(at), BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(at)) - 1);
        }

        return copy;
    }

    private static byte[] WithWrongCrc(byte[] zip)
    {
        var copy = (byte[])zip.Clone();
        var descriptor = DescriptorOffset(copy);
        var eocd = copy.AsSpan().LastIndexOf("PK\x05\x06"u8);
        var directory = (int)BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(eocd + 16));
        foreach (var at in new[] { descriptor + 4, directory + 16 })
        {
            BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(at), BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(at)) ^ 0x5a5a5a5a);
        }

        return copy;
    }
}
