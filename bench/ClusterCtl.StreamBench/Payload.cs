using System.IO.Compression;
using System.Security.Cryptography;
using ClusterCtl.Testing;

namespace ClusterCtl.StreamBench;

/// <summary>
/// The bytes every comparison reads: a db of Kubernetes-like 4 KiB pages followed by its SHA-256, as etcd writes a
/// snapshot, and that db zipped the way rke-tools zips it (one entry named <c>/backup/&lt;name&gt;</c>, written to a
/// stream, so deflated with a data descriptor), plus a deflated and a stored variant with their sizes in the local header.
/// </summary>
internal sealed class Payload
{
    public const string EntryName = "/backup/bench_etcd_snapshot";

    private Payload(byte[] db, byte[] deflatedZip, byte[] deflatedSizedZip, byte[] storedZip)
    {
        Db = db;
        DbSha256 = Convert.ToHexStringLower(SHA256.HashData(db));
        DeflatedZip = deflatedZip;
        DeflatedSizedZip = deflatedSizedZip;
        StoredZip = storedZip;
    }

    public byte[] Db { get; }

    /// <summary>SHA-256 of the whole file, etcd's hash included, as <c>EtcdSnapshotCheck.DbSha256</c> reports it.</summary>
    public string DbSha256 { get; }

    public byte[] DeflatedZip { get; }

    /// <summary>The same deflated entry written to a seekable output: sizes in the local header, no data descriptor.</summary>
    public byte[] DeflatedSizedZip { get; }

    public byte[] StoredZip { get; }

    public static Payload Create(int mebibytes, int seed = 1)
    {
        var db = KubernetesLikeDb(mebibytes * 1024 * 1024, seed);
        return new Payload(db, Zip(db, CompressionLevel.Optimal, seekable: false), Zip(db, CompressionLevel.Optimal, seekable: true), Zip(db, CompressionLevel.NoCompression, seekable: true));
    }

    public static byte[] KubernetesLikeDb(int length, int seed)
    {
        var db = new byte[length + SHA256.HashSizeInBytes];
        KubernetesLikeData.Fill(db.AsSpan(0, length), seed);
        SHA256.HashData(db.AsSpan(0, length), db.AsSpan(length));
        return db;
    }

    /// <summary>
    /// One entry, as rke-tools writes it. Optimal is zlib's default level, which Go's writer uses too. On an
    /// unseekable output the sizes go into a data descriptor; on a seekable one into the local header.
    /// </summary>
    public static byte[] Zip(byte[] content, CompressionLevel level, bool seekable, string entryName = EntryName) =>
        Zip(new MemoryStream(content), level, seekable, entryName, content.Length / (level == CompressionLevel.NoCompression ? 1 : 2) + 4096);

    public static byte[] Zip(Stream content, CompressionLevel level, bool seekable, string entryName = EntryName, int capacity = 0)
    {
        var output = new MemoryStream(capacity);
        using (var archive = new ZipArchive(seekable ? output : new UnseekableWriteStream(output), ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = archive.CreateEntry(entryName, level).Open();
            content.CopyTo(entry, 1024 * 1024);
        }

        return output.ToArray();
    }
}
