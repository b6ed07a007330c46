using System.Text;
using ClusterCtl.Storage;

namespace ClusterCtl.Tests.Storage;

public class SnapshotManifestTests
{
    private static readonly SnapshotManifest Sample = new(
        1, "prod_etcd_snapshot_2026-11-21T10-27-42Z", "prod", new DateTimeOffset(2026, 11, 21, 10, 27, 42, TimeSpan.Zero),
        "3.5.16", 123456, 40992, new string('a', 64), "etcd-node1", "0.1.0");

    [Test]
    public void The_json_is_camel_case_and_round_trips()
    {
        var json = Sample.ToJsonBytes();

        Assert.That(Encoding.UTF8.GetString(json), Does.Contain("\"formatVersion\": 1").And.Contain("\"dbSha256\": \"aaaa"));
        Assert.That(SnapshotManifest.FromJson(json), Is.EqualTo(Sample));
    }

    [Test]
    public void Broken_json_is_invalid_data()
    {
        Assert.Throws<InvalidDataException>(() => SnapshotManifest.FromJson("{ not json"u8));
        Assert.Throws<InvalidDataException>(() => SnapshotManifest.FromJson("{}"u8));
    }

    [Test]
    public void S3_metadata_has_lowercase_keys_ascii_values_and_the_zip_hash()
    {
        var metadata = Sample.ToS3Metadata(zipSha256: new string('b', 64));

        Assert.That(metadata.Keys, Has.All.Matches<string>(k => !k.Any(char.IsUpper)));
        Assert.That(metadata.Values, Has.All.Matches<string>(v => v.All(c => c is >= ' ' and <= '~')));
        Assert.That(metadata["zip-sha256"], Is.EqualTo(new string('b', 64)));
        Assert.That(metadata["created-at"], Is.EqualTo("2026-11-21T10:27:42Z"));
    }

    [Test]
    public void S3_metadata_round_trips_with_or_without_the_amz_prefix()
    {
        var metadata = Sample.ToS3Metadata("ff");
        var prefixed = metadata.ToDictionary(p => "X-Amz-Meta-" + p.Key, p => p.Value);

        Assert.That(SnapshotManifest.FromS3Metadata(metadata), Is.EqualTo(Sample));
        Assert.That(SnapshotManifest.FromS3Metadata(prefixed), Is.EqualTo(Sample));
        Assert.That(SnapshotManifest.ZipSha256FromS3Metadata(prefixed), Is.EqualTo("ff"));
    }

    [Test]
    public void Non_ascii_values_are_percent_encoded_and_decoded_exactly()
    {
        var manifest = Sample with { ClusterName = "prod-ü 100%", SourceMember = null, Revision = null };

        var metadata = manifest.ToS3Metadata();

        Assert.That(metadata["cluster-name"], Is.EqualTo("prod-%C3%BC 100%25"));
        Assert.That(metadata, Does.Not.ContainKey("source-member"));
        Assert.That(SnapshotManifest.FromS3Metadata(metadata), Is.EqualTo(manifest));
    }

    [Test]
    public void The_etcd_member_names_round_trip_through_json_and_S3_metadata()
    {
        var manifest = Sample with { EtcdMembers = ["etcd-node1", "etcd-node2"] };

        var fromJson = SnapshotManifest.FromJson(manifest.ToJsonBytes());
        var fromS3 = SnapshotManifest.FromS3Metadata(manifest.ToS3Metadata());

        Assert.That(Encoding.UTF8.GetString(manifest.ToJsonBytes()), Does.Contain("\"etcdMembers\""));
        Assert.That(fromJson.EtcdMembers, Is.EqualTo(new[] { "etcd-node1", "etcd-node2" }));
        Assert.That(fromS3?.EtcdMembers, Is.EqualTo(new[] { "etcd-node1", "etcd-node2" }));
    }

    [Test]
    public void A_manifest_written_before_the_member_names_existed_still_loads_without_them()
    {
        var json = Encoding.UTF8.GetString(Sample.ToJsonBytes());

        Assert.That(json, Does.Not.Contain("etcdMembers"));
        Assert.That(SnapshotManifest.FromJson(Encoding.UTF8.GetBytes(json)).EtcdMembers, Is.Null);
        Assert.That(SnapshotManifest.FromS3Metadata(Sample.ToS3Metadata())?.EtcdMembers, Is.Null);
    }

    [Test]
    public void Create_records_the_member_names_sorted_and_once_each()
    {
        var origin = new SnapshotOrigin("prod", DateTimeOffset.UtcNow, null, 1, null, ["etcd-c", "etcd-a", "etcd-c"]);
        var check = new EtcdSnapshotCheck(10, true, true, new string('a', 64), null);

        Assert.That(SnapshotManifest.Create("snap", origin, check).EtcdMembers, Is.EqualTo(new[] { "etcd-a", "etcd-c" }));
    }

    [Test]
    public void Objects_without_our_metadata_have_no_manifest()
    {
        Assert.That(SnapshotManifest.FromS3Metadata(new Dictionary<string, string> { ["x-amz-meta-owner"] = "rke" }), Is.Null);
        Assert.That(SnapshotManifest.ZipSha256FromS3Metadata(new Dictionary<string, string>()), Is.Null);
    }

    [Test]
    public void A_drills_mark_in_S3_metadata_reads_back_with_or_without_the_prefix_and_anything_else_is_no_mark()
    {
        Assert.That(SnapshotManifest.VerifiedAtFromS3Metadata(new Dictionary<string, string> { ["x-amz-meta-verified-at"] = "1765000000" }),
            Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1765000000)));
        Assert.That(SnapshotManifest.VerifiedAtFromS3Metadata(new Dictionary<string, string> { ["Verified-At"] = "1765000000" }),
            Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1765000000)));
        Assert.That(SnapshotManifest.VerifiedAtFromS3Metadata(new Dictionary<string, string> { ["x-amz-meta-verified-at"] = "yesterday" }), Is.Null);
        Assert.That(SnapshotManifest.VerifiedAtFromS3Metadata(new Dictionary<string, string> { ["x-amz-meta-verified-at"] = "99999999999999" }), Is.Null);
        Assert.That(SnapshotManifest.VerifiedAtFromS3Metadata(new Dictionary<string, string>()), Is.Null);
    }

    [Test]
    public void Create_takes_size_and_hash_from_the_check_and_the_rest_from_the_origin()
    {
        var origin = new SnapshotOrigin("prod", new DateTimeOffset(2026, 1, 2, 4, 4, 5, 678, TimeSpan.FromHours(1)), "3.4.23", 7, "etcd-a");
        var check = new EtcdSnapshotCheck(4128, true, true, new string('c', 64), new string('d', 64));

        var manifest = SnapshotManifest.Create("snap", origin, check);

        Assert.That(manifest, Is.EqualTo(new SnapshotManifest(
            1, "snap", "prod", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), "3.4.23", 7, 4128, new string('c', 64), "etcd-a",
            SnapshotManifest.CurrentToolVersion)));
        Assert.That(manifest.CreatedAt.Offset, Is.EqualTo(TimeSpan.Zero));
    }
}
