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
    public async Task Keys_that_fit_in_a_page_are_counted_from_one_answer()
    {
        var keys = Keys(("pods", 3), ("secrets", 2));
        var asked = new List<string>();
        var reader = new SnapshotProofReader("node1", (args, _) => Task.FromResult(Answer(args, keys, asked))) { PageSize = 10 };

        var proof = await reader.ReadAsync(120, CancellationToken.None);

        Assert.That(proof.KeyCounts, Is.EqualTo(new Dictionary<string, long> { ["pods"] = 3, ["secrets"] = 2 }));
        Assert.That(asked, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Many_keys_are_counted_with_one_question_per_resource_whatever_their_number()
    {
        // "/registry/pods-x" and "/registry/pods.y" sort between "/registry/pods" and "/registry/pods/": each is its own resource.
        var keys = Keys(("configmaps", 40), ("pods", 500), ("pods-x", 2), ("pods.y", 3), ("secrets", 70));
        keys.Add("/registry/health");
        keys.Add("/registry/pods");
        keys.Sort(StringComparer.Ordinal);
        var asked = new List<string>();
        var reader = new SnapshotProofReader("node1", (args, _) => Task.FromResult(Answer(args, keys, asked))) { PageSize = 10 };

        var proof = await reader.ReadAsync(120, CancellationToken.None);

        Assert.That(proof.KeyCounts, Is.EqualTo(new Dictionary<string, long>
        {
            ["configmaps"] = 40, ["health"] = 1, ["pods"] = 501, ["pods-x"] = 2, ["pods.y"] = 3, ["secrets"] = 70,
        }));
        Assert.That(asked, Has.Count.LessThan(15), "a question per resource and per key without a subtree, not per page of keys");
    }

    [Test]
    public async Task A_page_that_overflows_the_kept_output_is_counted_by_resource_instead()
    {
        var keys = Keys(("pods", 8));
        var reader = new SnapshotProofReader("node1", (args, _) => Task.FromResult(Answer(args, keys, [], truncateAbove: 4))) { PageSize = 8 };

        var proof = await reader.ReadAsync(120, CancellationToken.None);

        Assert.That(proof.KeyCounts["pods"], Is.EqualTo(8));
    }

    [Test]
    public void A_failed_etcdctl_is_an_error_naming_the_node_and_its_message()
    {
        var reader = new SnapshotProofReader("node1", (_, _) => Task.FromResult(new HelperResult(1, "", "Error: mvcc: required revision has been compacted\n")));

        var error = Assert.ThrowsAsync<EtcdctlAnswerException>(() => reader.ReadAsync(120, CancellationToken.None));

        Assert.That(error!.Message, Does.StartWith("node1: etcdctl").And.Contain("required revision has been compacted"));
    }

    private static List<string> Keys(params (string Resource, int Count)[] resources) =>
        resources.SelectMany(r => Enumerable.Range(0, r.Count).Select(i => $"/registry/{r.Resource}/ns/k{i:0000}")).Order(StringComparer.Ordinal).ToList();

    // etcdctl as the reader drives it: hashkv, and get FROM END --keys-only --limit=N -w json, which counts the whole range.
    private static HelperResult Answer(IReadOnlyList<string> args, List<string> keys, List<string> asked, int truncateAbove = int.MaxValue)
    {
        if (args[0] == "endpoint")
        {
            return new HelperResult(0, """[{"Endpoint":"x","HashKV":{"hash":7,"compact_revision":-1}}]""", "");
        }

        Assert.That(args, Does.Contain("--rev=120").And.Contain("--keys-only").And.Contain(SnapshotProof.RegistryRangeEnd));
        var limit = int.Parse(args.Single(a => a.StartsWith("--limit=", StringComparison.Ordinal))["--limit=".Length..], System.Globalization.CultureInfo.InvariantCulture);
        asked.Add(args[1]);
        var range = keys.Where(k => string.CompareOrdinal(k, args[1]) >= 0 && string.CompareOrdinal(k, SnapshotProof.RegistryRangeEnd) < 0).ToList();
        var kvs = string.Join(',', range.Take(limit).Select(k => $$"""{"key":"{{Convert.ToBase64String(Encoding.UTF8.GetBytes(k))}}","version":1}"""));
        return new HelperResult(0, $$"""{"header":{"revision":120},"kvs":[{{kvs}}],"more":{{(range.Count > limit ? "true" : "false")}},"count":{{range.Count}}}""", "")
        {
            OutputTruncated = Math.Min(limit, range.Count) > truncateAbove,
        };
    }
}
