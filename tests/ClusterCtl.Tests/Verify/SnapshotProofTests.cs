using System.Text;
using ClusterCtl.Docker;
using ClusterCtl.Etcd;
using ClusterCtl.Storage;
using ClusterCtl.Verify;

namespace ClusterCtl.Tests.Verify;

public class SnapshotProofTests
{
    private static readonly SnapshotProof Proof = new(3467811256, 41, new SortedDictionary<string, long>(StringComparer.Ordinal)
    {
        ["configmaps"] = 12,
        ["pods"] = 30,
        ["secrets"] = 7,
    });

    private static readonly SnapshotManifest Manifest = new(
        1, "snap", "prod", new DateTimeOffset(2026, 12, 6, 3, 0, 0, TimeSpan.Zero), "3.5.16", 1234, 40992, new string('a', 64), "etcd-node1", "0.1.0",
        null, Proof);

    [TestCase("/registry/pods/default/web-1", "pods")]
    [TestCase("/registry/apiregistration.k8s.io/apiservices/v1.apps", "apiregistration.k8s.io")]
    [TestCase("/registry/health", "health")]
    [TestCase("/registry/", null)]
    [TestCase("/other/pods/x", null)]
    public void A_key_belongs_to_the_second_segment_of_its_registry_path(string key, string? resource) =>
        Assert.That(SnapshotProof.ResourceOf(key), Is.EqualTo(resource));

    [Test]
    public void Keys_are_counted_per_resource_and_others_are_left_out()
    {
        var counts = SnapshotProof.Count(["/registry/pods/a/1", "/registry/pods/b/2", "/registry/secrets/a/s", "/compact_rev_key"]);

        Assert.That(counts, Is.EqualTo(new Dictionary<string, long> { ["pods"] = 2, ["secrets"] = 1 }));
    }

    [Test]
    public void The_proof_round_trips_through_the_manifest_json_and_S3_metadata()
    {
        var json = Encoding.UTF8.GetString(Manifest.ToJsonBytes());

        Assert.That(json, Does.Contain("\"hashKv\": 3467811256").And.Contain("\"pods\": 30").And.Not.Contain("totalKeys"));
        Assert.That(SnapshotManifest.FromJson(Manifest.ToJsonBytes()), Is.EqualTo(Manifest));
        Assert.That(SnapshotManifest.FromS3Metadata(Manifest.ToS3Metadata())?.Proof, Is.EqualTo(Proof));
    }

    [Test]
    public void A_manifest_without_proof_still_loads_and_has_none()
    {
        var older = Manifest with { Proof = null };

        Assert.That(Encoding.UTF8.GetString(older.ToJsonBytes()), Does.Not.Contain("proof"));
        Assert.That(SnapshotManifest.FromJson(older.ToJsonBytes()).Proof, Is.Null);
        Assert.That(SnapshotManifest.FromS3Metadata(older.ToS3Metadata())?.Proof, Is.Null);
    }

    [Test]
    public void Key_counts_too_long_for_S3_metadata_leave_the_object_without_a_proof_but_the_zip_keeps_it()
    {
        var many = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < 100; i++)
        {
            many[$"resource{i:000}.example.com"] = i;
        }

        var manifest = Manifest with { Proof = Proof with { KeyCounts = many } };
        var metadata = manifest.ToS3Metadata();

        Assert.That(metadata.Keys, Does.Not.Contain("key-counts"));
        Assert.That(metadata.Sum(m => m.Key.Length + m.Value.Length), Is.LessThan(2048));
        Assert.That(SnapshotManifest.FromS3Metadata(metadata)?.Proof, Is.Null);
        Assert.That(SnapshotManifest.FromJson(manifest.ToJsonBytes()).Proof?.KeyCounts, Has.Count.EqualTo(100));
    }

    [Test]
    public void Hashkv_json_gives_the_hash_and_its_compaction()
    {
        const string json = """
            [{"Endpoint":"https://10.213.0.11:2379","HashKV":{"header":{"cluster_id":1,"member_id":2,"revision":120,"raft_term":3},"hash":3467811256,"compact_revision":41}}]
            """;

        Assert.That(EtcdctlJson.ParseHashKv("node1", json), Is.EqualTo((3467811256u, 41L)));
    }

    [Test]
    public void A_hashkv_answer_without_a_hash_is_an_error_naming_the_node()
    {
        var error = Assert.Throws<EtcdctlAnswerException>(() => EtcdctlJson.ParseHashKv("node1", "[]"));

        Assert.That(error!.Message, Does.StartWith("node1: etcdctl endpoint hashkv"));
    }

    [Test]
    public async Task Keys_are_read_page_by_page_from_the_last_key_and_counted_once()
    {
        var keys = Enumerable.Range(0, 7).Select(i => $"/registry/{(i < 5 ? "pods" : "secrets")}/ns/k{i}").ToList();
        var asked = new List<string>();
        var reader = new SnapshotProofReader("node1", (args, _) => Task.FromResult(Answer(args, keys, asked))) { PageSize = 3 };

        var proof = await reader.ReadAsync(120, CancellationToken.None);

        Assert.That(proof.KeyCounts, Is.EqualTo(new Dictionary<string, long> { ["pods"] = 5, ["secrets"] = 2 }));
        Assert.That(asked, Is.EqualTo(new[] { "/registry/", "/registry/pods/ns/k2", "/registry/pods/ns/k4", "/registry/secrets/ns/k6" }));
    }

    [Test]
    public async Task A_page_that_overflows_the_kept_output_is_asked_again_smaller()
    {
        var keys = Enumerable.Range(0, 10).Select(i => $"/registry/pods/ns/k{i}").ToList();
        var asked = new List<string>();
        var reader = new SnapshotProofReader("node1", (args, _) => Task.FromResult(Answer(args, keys, asked, truncateAbove: 4))) { PageSize = 8 };

        var proof = await reader.ReadAsync(120, CancellationToken.None);

        Assert.That(proof.KeyCounts["pods"], Is.EqualTo(10));
    }

    [Test]
    public void A_failed_etcdctl_is_an_error_naming_the_node_and_its_message()
    {
        var reader = new SnapshotProofReader("node1", (_, _) => Task.FromResult(new HelperResult(1, "", "Error: mvcc: required revision has been compacted\n")));

        var error = Assert.ThrowsAsync<EtcdctlAnswerException>(() => reader.ReadAsync(120, CancellationToken.None));

        Assert.That(error!.Message, Does.StartWith("node1: etcdctl").And.Contain("required revision has been compacted"));
    }

    // etcdctl as the reader drives it: hashkv, and get <from> <end> --keys-only --limit=N printing key and empty value lines.
    private static HelperResult Answer(IReadOnlyList<string> args, List<string> keys, List<string> asked, int truncateAbove = int.MaxValue)
    {
        if (args[0] == "endpoint")
        {
            return new HelperResult(0, """[{"Endpoint":"x","HashKV":{"hash":7,"compact_revision":-1}}]""", "");
        }

        Assert.That(args, Does.Contain("--rev=120").And.Contain("--keys-only").And.Contain(SnapshotProof.RegistryRangeEnd));
        var limit = int.Parse(args.Single(a => a.StartsWith("--limit=", StringComparison.Ordinal))["--limit=".Length..], System.Globalization.CultureInfo.InvariantCulture);
        asked.Add(args[1]);
        var page = keys.Where(k => string.CompareOrdinal(k, args[1]) >= 0).Take(limit).ToList();
        return new HelperResult(0, string.Concat(page.Select(k => k + "\n\n")), "") { OutputTruncated = page.Count > truncateAbove };
    }
}
