using System.Text;
using ClusterCtl.Storage;
using ClusterCtl.Testing;

namespace ClusterCtl.Tests.Storage;

public class ZipCentralDirectoryTests
{
    private static readonly byte[] Db = EtcdSnapshotFiles.Synthetic(pages: 300);

    [Test]
    public async Task An_RKE_zip_with_data_descriptors_gives_the_dbs_uncompressed_size_not_the_zips()
    {
        // Written to a stream that cannot seek, as rke-tools' Go writer does: sizes only after the data.
        var zip = await SnapshotZipTests.ForeignZipAsync(seekable: false, ("/backup/rke_etcd_snapshot_x", Db));

        var size = ZipCentralDirectory.DbSize(ZipCentralDirectory.TryRead(zip, zip.Length));

        Assert.That(size, Is.EqualTo(Db.Length));
        Assert.That(zip.Length, Is.LessThan(Db.Length / 2), "the zip is a fraction of its db, which is why its own size is no estimate");
    }

    [Test]
    public async Task Our_zip_gives_the_db_entry_and_skips_the_manifest_and_the_rkestate()
    {
        var (zip, written) = await SnapshotZipTests.WriteZipAsync(EtcdSnapshotFiles.Real, Encoding.UTF8.GetBytes("{}"));

        var entries = ZipCentralDirectory.TryRead(zip, zip.Length);

        Assert.That(entries, Has.Count.EqualTo(3));
        Assert.That(ZipCentralDirectory.DbSize(entries), Is.EqualTo(written.Manifest.DbSize));
    }

    [Test]
    public void A_zip64_entry_gives_its_64_bit_size()
    {
        var zip = HandMadeZip.Create("/backup/big", Db[..4096], declaredSize: 5L << 40);

        Assert.That(ZipCentralDirectory.DbSize(ZipCentralDirectory.TryRead(zip, zip.Length)), Is.EqualTo(5L << 40));
    }

    [Test]
    public void The_last_bytes_of_a_zip_are_enough()
    {
        var zip = HandMadeZip.Create("/backup/db", Db, declaredSize: Db.Length);

        var tail = zip.AsSpan(zip.Length - 200).ToArray();

        Assert.That(ZipCentralDirectory.DbSize(ZipCentralDirectory.TryRead(tail, zip.Length)), Is.EqualTo(Db.Length));
    }

    [Test]
    public void A_zip_with_a_comment_is_read_all_the_same()
    {
        var zip = HandMadeZip.Create("/backup/db", Db[..100], declaredSize: 100);
        var comment = Encoding.ASCII.GetBytes("made by hand PK\u0005\u0006 with a signature inside");
        var commented = zip[..^2].Concat(BitConverter.GetBytes((ushort)comment.Length)).Concat(comment).ToArray();

        Assert.That(ZipCentralDirectory.DbSize(ZipCentralDirectory.TryRead(commented, commented.Length)), Is.EqualTo(100));
    }

    [TestCase(0)]
    [TestCase(10)]
    [TestCase(30)]
    [TestCase(60)]
    public void A_cut_or_damaged_tail_gives_no_size_and_no_exception(int cut)
    {
        var zip = HandMadeZip.Create("/backup/big", Db[..4096], declaredSize: 5L << 40);
        var damaged = zip[..^(cut + 1)];

        Assert.That(ZipCentralDirectory.TryRead(damaged, damaged.Length), Is.Null);
        Assert.That(ZipCentralDirectory.TryRead(zip.AsSpan(zip.Length - 40 - cut).ToArray(), zip.Length), Is.Null, "the central directory is not in the tail");
        Assert.That(ZipCentralDirectory.TryRead(new byte[100], 100), Is.Null);
        Assert.That(ZipCentralDirectory.TryRead(Db.AsSpan(0, cut), cut), Is.Null);
    }

    [Test]
    public async Task A_zip_with_two_candidates_for_the_db_gives_no_size()
    {
        var zip = await SnapshotZipTests.ForeignZipAsync(seekable: true, ("/backup/a", Db[..10]), ("/backup/b", Db[..20]));

        Assert.That(ZipCentralDirectory.TryRead(zip, zip.Length), Has.Count.EqualTo(2));
        Assert.That(ZipCentralDirectory.DbSize(ZipCentralDirectory.TryRead(zip, zip.Length)), Is.Null);
    }
}
