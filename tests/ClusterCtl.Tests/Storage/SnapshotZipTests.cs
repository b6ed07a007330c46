using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using ClusterCtl.Storage;
using ClusterCtl.Testing;

namespace ClusterCtl.Tests.Storage;

public class SnapshotZipTests
{
    private const string Name = "prod_etcd_snapshot_2026-11-21T10-27-42Z";
    private static readonly SnapshotOrigin Origin = new("prod", new DateTimeOffset(2026, 11, 21, 10, 27, 42, TimeSpan.Zero), "3.4.23", 42, "etcd-node1");
    private static readonly byte[] RkeState = Encoding.UTF8.GetBytes("{\"desiredState\":{},\"currentState\":{}}");

    [Test]
    public async Task A_real_snapshot_round_trips_through_unseekable_streams_byte_for_byte()
    {
        var snapshot = EtcdSnapshotFiles.Real;

        var (zip, written) = await WriteZipAsync(snapshot, RkeState);
        var db = new MemoryStream();
        var read = await SnapshotZipReader.ReadAsync(new UnseekableReadStream(zip, 3000), new UnseekableWriteStream(db), "snap", CancellationToken.None);

        Assert.That(db.ToArray(), Is.EqualTo(snapshot));
        Assert.That(read.Format, Is.EqualTo(SnapshotArtifactFormat.Zip));
        Assert.That(read.DbEntryName, Is.EqualTo("/backup/" + Name));
        Assert.That(read.Manifest, Is.EqualTo(written.Manifest));
        Assert.That(read.RkeState, Is.EqualTo(RkeState));
        Assert.That(read.Check.DbSha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(snapshot))));
    }

    [Test]
    public async Task The_zip_has_rkes_absolute_entry_names_with_the_manifest_last()
    {
        var (zip, written) = await WriteZipAsync(EtcdSnapshotFiles.Real, RkeState);

        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);

        Assert.That(archive.Entries.Select(e => e.FullName), Is.EqualTo(new[]
        {
            "/backup/" + Name, "/etc/kubernetes/" + Name + ".rkestate", "clusterctl-manifest.json",
        }));
        await using var db = await archive.Entries[0].OpenAsync();
        var extracted = new MemoryStream();
        await db.CopyToAsync(extracted);
        Assert.That(extracted.ToArray(), Is.EqualTo(EtcdSnapshotFiles.Real));
        Assert.That(written.ZipLength, Is.EqualTo(zip.Length));
        Assert.That(written.ZipSha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(zip))));
#pragma warning disable CA5351 // the nodes' read-back check
        Assert.That(written.ZipMd5, Is.EqualTo(Convert.ToHexStringLower(MD5.HashData(zip))));
#pragma warning restore CA5351
        Assert.That(written.Manifest.DbSize, Is.EqualTo(EtcdSnapshotFiles.Real.Length));
    }

    [Test]
    public async Task On_an_unseekable_output_every_entry_uses_a_data_descriptor()
    {
        var (zip, _) = await WriteZipAsync(EtcdSnapshotFiles.Real, RkeState);

        var flags = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(6));
        var compressedSizeInHeader = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(18));

        Assert.That(flags & 0x0008, Is.EqualTo(0x0008), "general-purpose bit 3");
        Assert.That(compressedSizeInHeader, Is.Zero);
        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(8)), Is.EqualTo(ZipLocalEntry.Deflated));
    }

    [Test]
    public async Task A_corrupt_snapshot_is_refused_while_zipping_and_no_complete_zip_is_written()
    {
        var output = new MemoryStream();

        var error = Assert.ThrowsAsync<SnapshotCorruptException>(() => new SnapshotZipWriter().WriteAsync(
            Name, new UnseekableReadStream(EtcdSnapshotFiles.WithFlippedByte(EtcdSnapshotFiles.Real), 5000), new UnseekableWriteStream(output),
            Origin, null, "snap.db on node1", CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("snap.db on node1"));
        Assert.That(() => new ZipArchive(new MemoryStream(output.ToArray()), ZipArchiveMode.Read), Throws.InstanceOf<InvalidDataException>());
        var reread = await ReadFailureAsync(output.ToArray());
        Assert.That(reread, Is.Not.Null);
    }

    [Test]
    public async Task A_zip_laid_out_by_rke_tools_with_absolute_names_and_no_manifest_is_read()
    {
        var zip = await ForeignZipAsync(seekable: false, ("/backup/" + Name, EtcdSnapshotFiles.Real), ("/etc/kubernetes/" + Name + ".rkestate", RkeState));

        var db = new MemoryStream();
        var read = await SnapshotZipReader.ReadAsync(new UnseekableReadStream(zip, 777), db, "snap", CancellationToken.None);

        Assert.That(db.ToArray(), Is.EqualTo(EtcdSnapshotFiles.Real));
        Assert.That(read.Manifest, Is.Null);
        Assert.That(read.RkeState, Is.EqualTo(RkeState));
    }

    [Test]
    public async Task A_zip_with_relative_names_and_sizes_in_its_headers_is_read()
    {
        var zip = await ForeignZipAsync(seekable: true, ("backup/", []), ("backup/" + Name, EtcdSnapshotFiles.Real));

        var db = new MemoryStream();
        var read = await SnapshotZipReader.ReadAsync(new UnseekableReadStream(zip, 1000), db, "snap", CancellationToken.None);

        Assert.That(db.ToArray(), Is.EqualTo(EtcdSnapshotFiles.Real));
        Assert.That(read.DbEntryName, Is.EqualTo("backup/" + Name));
    }

    [Test]
    public async Task A_zip_whose_only_file_has_another_name_is_read_as_the_db()
    {
        var zip = await ForeignZipAsync(seekable: false, ("snapshot.db", EtcdSnapshotFiles.Real));

        var db = new MemoryStream();
        var read = await SnapshotZipReader.ReadAsync(new MemoryStream(zip), db, "snap", CancellationToken.None);

        Assert.That(db.ToArray(), Is.EqualTo(EtcdSnapshotFiles.Real));
        Assert.That(read.DbEntryName, Is.EqualTo("snapshot.db"));
    }

    [Test]
    public async Task A_zip_with_two_possible_dbs_is_refused()
    {
        var zip = await ForeignZipAsync(seekable: false, ("/backup/a", EtcdSnapshotFiles.Real), ("/backup/b", EtcdSnapshotFiles.Real));

        var error = Assert.ThrowsAsync<SnapshotCorruptException>(() => SnapshotZipReader.ReadAsync(new MemoryStream(zip), Stream.Null, "snap", CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("/backup/a").And.Contain("/backup/b"));
    }

    [Test]
    public async Task Data_descriptors_without_their_optional_signature_are_found()
    {
        var (zip, _) = await WriteZipAsync(EtcdSnapshotFiles.Real, RkeState);
        var stripped = RemoveDescriptorSignatures(zip);

        var db = new MemoryStream();
        var read = await SnapshotZipReader.ReadAsync(new UnseekableReadStream(stripped, 4096), db, "snap", CancellationToken.None);

        Assert.That(stripped.Length, Is.LessThan(zip.Length));
        Assert.That(db.ToArray(), Is.EqualTo(EtcdSnapshotFiles.Real));
        Assert.That(read.Manifest, Is.Not.Null);
    }

    [Test]
    public async Task A_raw_etcdctl_snapshot_is_recognised_and_checked()
    {
        var db = new MemoryStream();

        var read = await SnapshotZipReader.ReadAsync(new UnseekableReadStream(EtcdSnapshotFiles.Real, 1500), db, "snap", CancellationToken.None);

        Assert.That(read.Format, Is.EqualTo(SnapshotArtifactFormat.RawDb));
        Assert.That(read.Check.IsIntact, Is.True);
        Assert.That(db.ToArray(), Is.EqualTo(EtcdSnapshotFiles.Real));
    }

    [Test]
    public void A_raw_snapshot_with_a_flipped_byte_is_refused()
    {
        var error = Assert.ThrowsAsync<SnapshotCorruptException>(() => SnapshotZipReader.ReadAsync(
            new MemoryStream(EtcdSnapshotFiles.WithFlippedByte(EtcdSnapshotFiles.Real)), Stream.Null, "snap.db on node2", CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("snap.db on node2"));
    }

    [Test]
    public async Task A_zipped_snapshot_with_a_flipped_byte_is_refused()
    {
        var zip = await ForeignZipAsync(seekable: false, ("/backup/" + Name, EtcdSnapshotFiles.WithFlippedByte(EtcdSnapshotFiles.Real)));

        Assert.ThrowsAsync<SnapshotCorruptException>(() => SnapshotZipReader.ReadAsync(new MemoryStream(zip), Stream.Null, "snap", CancellationToken.None));
    }

    [Test]
    public async Task A_db_that_differs_from_its_manifest_is_refused()
    {
        var other = EtcdSnapshotFiles.Synthetic(4);
        var manifest = SnapshotManifest.Create(Name, Origin, await EtcdSnapshotVerifier.CheckAsync(new MemoryStream(other), CancellationToken.None));
        var zip = await ForeignZipAsync(seekable: false, ("/backup/" + Name, EtcdSnapshotFiles.Real), ("clusterctl-manifest.json", manifest.ToJsonBytes()));

        var error = Assert.ThrowsAsync<SnapshotCorruptException>(() => SnapshotZipReader.ReadAsync(new MemoryStream(zip), Stream.Null, "snap", CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("manifest"));
    }

    [TestCase(1)]
    [TestCase(20)]
    [TestCase(100)]
    [TestCase(1000)]
    [TestCase(-2)]
    public async Task A_truncated_zip_is_refused(int removed)
    {
        var (zip, _) = await WriteZipAsync(EtcdSnapshotFiles.Real, RkeState);
        var cut = removed > 0 ? zip[..^removed] : zip[..(zip.Length / -removed)];

        Assert.That(await ReadFailureAsync(cut), Is.Not.Null.And.Message.Contains("corrupt"));
    }

    [Test]
    public void Something_that_is_neither_zip_nor_db_is_refused()
    {
        var error = Assert.ThrowsAsync<SnapshotCorruptException>(() => SnapshotZipReader.ReadAsync(
            new MemoryStream(Encoding.ASCII.GetBytes("<html>not found</html>")), Stream.Null, "snap", CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("neither a zip nor an etcd snapshot"));
    }

    [TestCase(CompressionLevel.Fastest)]
    [TestCase(CompressionLevel.Optimal)]
    [TestCase(CompressionLevel.SmallestSize)]
    public async Task A_larger_db_round_trips_at_every_compression_level(CompressionLevel level)
    {
        var snapshot = EtcdSnapshotFiles.Synthetic(1500);
        var zip = new MemoryStream();
        await new SnapshotZipWriter(level).WriteAsync(Name, new MemoryStream(snapshot), new UnseekableWriteStream(zip), Origin, null, "snap", CancellationToken.None);

        var db = new MemoryStream();
        await SnapshotZipReader.ReadAsync(new UnseekableReadStream(zip.ToArray(), 65536), db, "snap", CancellationToken.None);

        Assert.That(db.ToArray(), Is.EqualTo(snapshot));
        Assert.That(zip.Length, Is.LessThan(snapshot.Length / 2));
    }

    [Test]
    public void No_compression_is_refused_because_rke_expects_deflate()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SnapshotZipWriter(CompressionLevel.NoCompression));
    }

    internal static async Task<(byte[] Zip, SnapshotZipResult Result)> WriteZipAsync(byte[] snapshot, byte[]? rkeState)
    {
        var output = new MemoryStream();
        var result = await new SnapshotZipWriter().WriteAsync(
            Name, new UnseekableReadStream(snapshot, 10_000), new UnseekableWriteStream(output), Origin, rkeState, "snap", CancellationToken.None);
        return (output.ToArray(), result);
    }

    private static async Task<SnapshotCorruptException?> ReadFailureAsync(byte[] zip)
    {
        try
        {
            await SnapshotZipReader.ReadAsync(new MemoryStream(zip), Stream.Null, "snap", CancellationToken.None);
            return null;
        }
        catch (SnapshotCorruptException e)
        {
            return e;
        }
    }

    // A zip made by another writer, as rke-tools (Go, unseekable: data descriptors) or zip(1) (seekable: sizes in headers) make them.
    internal static async Task<byte[]> ForeignZipAsync(bool seekable, params (string Name, byte[] Content)[] entries)
    {
        var output = new MemoryStream();
        await using (var archive = await ZipArchive.CreateAsync(seekable ? output : new UnseekableWriteStream(output), ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null))
        {
            foreach (var (name, content) in entries)
            {
                var entry = archive.CreateEntry(name, CompressionLevel.Optimal);
                if (!name.EndsWith('/'))
                {
                    await using var stream = await entry.OpenAsync();
                    await stream.WriteAsync(content);
                }
            }
        }

        return output.ToArray();
    }

    // Rewrites a zip read front to back with the data descriptors' optional 0x08074b50 signatures cut out.
    private static byte[] RemoveDescriptorSignatures(byte[] zip)
    {
        var result = new List<byte>(zip.Length);
        var position = 0;
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        foreach (var entry in archive.Entries)
        {
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(position + 26));
            var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(position + 28));
            var dataEnd = position + 30 + nameLength + extraLength + (int)entry.CompressedLength;
            result.AddRange(zip.AsSpan(position, dataEnd - position).ToArray());
            Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(dataEnd)), Is.EqualTo(0x08074b50u));
            result.AddRange(zip.AsSpan(dataEnd + 4, 12).ToArray());
            position = dataEnd + 16;
        }

        result.AddRange(zip.AsSpan(position).ToArray());
        return [.. result];
    }
}
