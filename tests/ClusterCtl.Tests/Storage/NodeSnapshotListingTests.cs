using System.Text;
using ClusterCtl.Storage;
using ClusterCtl.Testing;

namespace ClusterCtl.Tests.Storage;

/// <summary>The lines the node's listing script prints: <c>size mtime sha256 file manifest-base64 tail-base64</c>.</summary>
public class NodeSnapshotListingTests
{
    private static readonly string Sha = new('a', 64);

    [Test]
    public void A_zips_db_size_comes_from_the_central_directory_in_its_tail()
    {
        var zip = HandMadeZip.Create("/backup/rke_etcd_snapshot_x", new byte[100], declaredSize: 90L << 30);

        var file = NodeSnapshotDirectory.ParseListingLine($"{zip.Length} 1700000000 {Sha} rke_etcd_snapshot_x.zip - {Convert.ToBase64String(zip)} -");

        Assert.That(file, Is.Not.Null);
        Assert.That(file!.Size, Is.EqualTo(zip.Length));
        Assert.That(file.DbSize, Is.EqualTo(90L << 30));
        Assert.That(file.Manifest, Is.Null);
    }

    [Test]
    public void A_raw_dbs_size_is_its_length_and_an_upper_case_zip_is_a_zip()
    {
        Assert.That(NodeSnapshotDirectory.ParseListingLine($"4096 1700000000 {Sha} raw-db - - -")!.DbSize, Is.EqualTo(4096));
        var upper = NodeSnapshotDirectory.ParseListingLine($"4096 1700000000 {Sha} x.ZIP - - -");
        Assert.That(upper!.IsZip, Is.True);
        Assert.That(upper.DbSize, Is.Null, "without a readable central directory or manifest the size is unknown");
    }

    [TestCase("")]
    [TestCase("12 1700000000 {0} forged.zip")]
    [TestCase("12 1700000000 {0} forged.zip\t")]
    [TestCase("12 1700000000 {0} two words.zip - - -")]
    [TestCase("12 1700000000 {0} forged.zip - - - extra")]
    [TestCase("-12 1700000000 {0} x.zip - - -")]
    [TestCase("12 1700000000 nothex x.zip - - -")]
    [TestCase("12 1700000000 {0} .hidden.zip - - -")]
    [TestCase("12 1700000000 {0} x.zip.partial - - -")]
    public void A_line_that_is_not_exactly_one_record_is_no_file(string line)
    {
        Assert.That(NodeSnapshotDirectory.ParseListingLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, line, Sha)), Is.Null);
    }

    [Test]
    public void A_manifest_larger_than_the_bound_is_not_read()
    {
        var padded = "{\"name\":\"x\",\"dbSha256\":\"" + Sha + "\",\"dbSize\":1,\"pad\":\"" + new string(' ', SnapshotManifest.MaxJsonBytes) + "\"}";
        var small = "{\"name\":\"x\",\"dbSha256\":\"" + Sha + "\",\"dbSize\":1}";

        var big = NodeSnapshotDirectory.ParseListingLine($"12 1700000000 {Sha} x.zip {Convert.ToBase64String(Encoding.UTF8.GetBytes(padded))} - -");
        var fine = NodeSnapshotDirectory.ParseListingLine($"12 1700000000 {Sha} x.zip {Convert.ToBase64String(Encoding.UTF8.GetBytes(small))} - -");

        Assert.That(big!.Manifest, Is.Null);
        Assert.That(fine!.Manifest, Is.Not.Null);
        Assert.Throws<InvalidDataException>(() => SnapshotManifest.FromJson(Encoding.UTF8.GetBytes(padded)));
    }

    [Test]
    public void A_drills_mark_gives_the_time_and_anything_else_there_gives_none()
    {
        var marked = NodeSnapshotDirectory.ParseListingLine($"4096 1700000000 {Sha} x.zip - - 1765000000");
        var unmarked = NodeSnapshotDirectory.ParseListingLine($"4096 1700000000 {Sha} x.zip - - -");
        var garbage = NodeSnapshotDirectory.ParseListingLine($"4096 1700000000 {Sha} x.zip - - 99999999999999999999");

        Assert.That(marked!.VerifiedAt, Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1765000000)));
        Assert.That(unmarked!.VerifiedAt, Is.Null);
        Assert.That(garbage!.VerifiedAt, Is.Null);
    }
}
