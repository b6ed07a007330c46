using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ClusterCtl.IntegrationTests.Restore;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Snapshots;

/// <summary>
/// snapshot-verify end to end: a restore drill in a throwaway etcd on one node, against etcd 3.5 and 3.4. Every test
/// also proves that the live cluster did not notice: same etcd start times, same data dirs, same revision.
/// </summary>
[TestFixture("3.5")]
[TestFixture("3.4")]
[NonParallelizable]
public class SnapshotVerifyTests(string etcdVersion) : EtcdVersionFixture(etcdVersion)
{
    private string _resource = null!;
    private ClusterState _before = null!;

    [SetUp]
    public void NewResource() => _resource = "drill" + Guid.NewGuid().ToString("N")[..6];

    [TearDown]
    public async Task NothingIsLeftBehind()
    {
        Assert.That(await TestbedCli.LeftoverHelpersAsync(), Is.Empty, "helper containers");
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(Directory.GetDirectories(RestoreTestbed.SnapshotDirectory(node), ".verify-*"), Is.Empty, $"node{node}: scratch directories");
        }
    }

    [Test]
    public async Task A_fresh_save_verifies_with_revision_hashkv_and_the_key_counts_the_test_wrote()
    {
        await PutKeysAsync(3);
        var name = Name("fresh");
        Assert.That((await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", name)).ExitCode, Is.Zero);
        var manifest = ManifestOf(1, name);
        Assert.That(manifest["proof"]?["keyCounts"]?[_resource]?.GetValue<long>(), Is.EqualTo(3), "the save recorded the key counts");
        _before = await ClusterState.ReadAsync();

        var result = await VerifyAsync(name, "--output", "json");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
        var report = TestbedCli.Json(result);
        Assert.Multiple(() =>
        {
            Assert.That(report.GetProperty("verified").GetBoolean(), Is.True);
            Assert.That(report.GetProperty("revision").GetInt64(), Is.EqualTo(manifest["revision"]!.GetValue<long>()));
            Assert.That(report.GetProperty("hashMatches").GetBoolean(), Is.True);
            Assert.That(report.GetProperty("hashKv").GetUInt32(), Is.EqualTo(manifest["proof"]!["hashKv"]!.GetValue<uint>()));
            Assert.That(report.GetProperty("keyCounts").GetProperty(_resource).GetInt64(), Is.EqualTo(3));
            Assert.That(report.GetProperty("mismatches").GetArrayLength(), Is.Zero);
        });
        await _before.AssertUnchangedAsync();
    }

    [Test]
    public async Task The_table_shows_the_counts_per_resource_and_a_drill_runs_on_the_node_asked_for()
    {
        await PutKeysAsync(2);
        var name = Name("table");
        Assert.That((await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", name)).ExitCode, Is.Zero);

        var result = await VerifyAsync(name, "--node", Testbed.NodeAddress(3));

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
        Assert.That(result.Stdout, Does.Contain("VERIFIED").And.Contain("on " + Testbed.NodeAddress(3)).And.Contain("matches the one recorded"));
        Assert.That(result.Stdout.Split('\n').Single(l => l.Contains(_resource, StringComparison.Ordinal)), Does.Match(@"\b2\s+2\b"));
    }

    [Test]
    public async Task A_db_of_another_moment_under_the_original_manifest_fails_naming_each_mismatch()
    {
        var forged = await ForgeOnNode1Async(keysBefore: 3, keysAfter: 2);
        _before = await ClusterState.ReadAsync();

        var result = await VerifyAsync(forged, "--node", Testbed.NodeAddress(1), "--output", "json");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        var mismatches = TestbedCli.Json(result).GetProperty("mismatches").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.That(mismatches, Has.Some.StartsWith("revision: recorded "));
        Assert.That(mismatches, Has.Some.StartsWith("hashkv at revision "));
        Assert.That(mismatches, Has.Some.EqualTo($"{_resource}: 3 keys recorded, 5 restored"));
        Assert.That(result.Stderr, Does.Contain(forged).And.Contain("does not verify"));
        await _before.AssertUnchangedAsync();
    }

    [Test]
    public async Task A_raw_db_without_a_manifest_restores_with_nothing_to_compare_and_a_truncated_one_fails()
    {
        await PutKeysAsync(1);
        var saved = Name("raw");
        Assert.That((await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", saved)).ExitCode, Is.Zero);
        var db = DbOf(2, saved);
        var whole = Name("whole");
        var cut = Name("cut");
        await File.WriteAllBytesAsync(TestbedCli.SnapshotPath(2, whole), db);
        await File.WriteAllBytesAsync(TestbedCli.SnapshotPath(2, cut), db[..(db.Length / 2)]);
        _before = await ClusterState.ReadAsync();

        var good = await VerifyAsync(whole, "--node", Testbed.NodeAddress(2), "--output", "json");
        var bad = await VerifyAsync(cut, "--node", Testbed.NodeAddress(2), "--output", "json");

        Assert.That(good.ExitCode, Is.EqualTo(ExitCodes.Success), good.ToString());
        Assert.That(TestbedCli.Json(good).GetProperty("notes")[0].GetString(), Does.Contain("no recorded hash to compare"));
        Assert.That(bad.ExitCode, Is.EqualTo(ExitCodes.Failed), bad.ToString());
        Assert.That(TestbedCli.Json(bad).GetProperty("restorable").GetBoolean(), Is.False);
        Assert.That(bad.StderrLines[^1], Does.Contain(cut));
        await _before.AssertUnchangedAsync();
    }

    [Test]
    public async Task A_node_with_less_free_space_than_twice_the_db_runs_no_drill()
    {
        // rke-tools' layout whose central directory declares a 1 PiB db: more than twice of it is free nowhere.
        var name = Name("huge");
        Directory.CreateDirectory(RestoreTestbed.SnapshotDirectory(2));
        await File.WriteAllBytesAsync(TestbedCli.SnapshotPath(2, name + ".zip"), HandMadeZip.Create("/backup/" + name, new byte[4096], declaredSize: 1L << 50));

        var result = await VerifyAsync(name, "--node", Testbed.NodeAddress(2));

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.StderrLines[^1], Does.Match($@"{Regex.Escape(Testbed.NodeAddress(2))} has \d+ MiB free in /opt/rke/etcd-snapshots, a drill of {name} needs twice its db \(2147483648 MiB\)"));
        Assert.That(result.Stderr, Does.Not.Contain("[verify] Drill on"), "nothing was copied or started");
    }

    [Test]
    public async Task A_copy_only_in_S3_is_fetched_to_a_node_verified_and_listed_as_verified_from_its_metadata()
    {
        await PutKeysAsync(2);
        var name = Name("s3");
        var folder = "verify-" + Guid.NewGuid().ToString("N")[..8];
        Assert.That((await TestbedCli.RunAsync(["etcd", "snapshot-save", "--name", name, .. TestbedCli.S3Flags(folder)])).ExitCode, Is.Zero);
        foreach (var node in RestoreTestbed.Nodes)
        {
            File.Delete(TestbedCli.SnapshotPath(node, name + ".zip"));
        }

        var before = VerifiedAt(await ListAsync(TestbedCli.S3Flags(folder)), name);

        var result = await TestbedCli.RunAsync(["etcd", "snapshot-verify", "--name", name, "--output", "json", .. TestbedCli.S3Flags(folder)]);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
        var report = TestbedCli.Json(result);
        Assert.That(report.GetProperty("copy").GetString(), Does.StartWith("s3://"));
        Assert.That(report.GetProperty("hashMatches").GetBoolean(), Is.True);
        Assert.That(report.GetProperty("keyCounts").GetProperty(_resource).GetInt64(), Is.EqualTo(2));
        Assert.That(before, Is.Null, "not verified before a drill");
        var after = VerifiedAt(await ListAsync(TestbedCli.S3Flags(folder)), name);
        Assert.That(after, Is.Not.Null, "the drill is recorded in the object's metadata, the only copy left");
        Assert.That(DateTimeOffset.Parse(after!, CultureInfo.InvariantCulture), Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(5)));
    }

    [Test]
    public async Task Ctrl_C_during_a_drill_exits_130_and_leaves_no_container_or_scratch_directory()
    {
        await PutKeysAsync(1);
        var name = Name("ctrlc");
        Assert.That((await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", name)).ExitCode, Is.Zero);

        var (result, interrupted) = await ClusterCtlRunner.RunAndInterruptAsync(
            ["etcd", "snapshot-verify", "--name", name, "--config", Testbed.ClusterYml, "--known-hosts", Testbed.NewKnownHostsFile()],
            interruptWhen: "[verify] Drill on");

        Assert.That(interrupted, Is.True, result.ToString());
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Interrupted), result.ToString());
    }

    [Test]
    public async Task A_verified_snapshot_is_listed_and_announced_as_verified_until_its_bytes_change()
    {
        await PutKeysAsync(1);
        var name = Name("listed");
        Assert.That((await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", name)).ExitCode, Is.Zero);
        Assert.That(VerifiedAt(await ListAsync(), name), Is.Null, "not verified before a drill");

        Assert.That((await VerifyAsync(name)).ExitCode, Is.EqualTo(ExitCodes.Success));
        var afterDrill = VerifiedAt(await ListAsync(), name);
        var dryRun = await TestbedCli.RunAsync("etcd", "snapshot-restore", "--name", name, "--dry-run");
        await PutKeysAsync(1, from: 1);
        Assert.That((await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", name, "--overwrite")).ExitCode, Is.Zero);
        var afterOverwrite = VerifiedAt(await ListAsync(), name);

        Assert.That(afterDrill, Is.Not.Null);
        Assert.That(DateTimeOffset.Parse(afterDrill!, CultureInfo.InvariantCulture), Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(5)));
        Assert.That(dryRun.ExitCode, Is.EqualTo(ExitCodes.Success), dryRun.ToString());
        Assert.That(dryRun.Stderr, Does.Contain("was last verified by a restore drill"));
        Assert.That(afterOverwrite, Is.Null, "a snapshot replaced under the same name is not the one the drill proved");
    }

    [Test]
    public async Task A_restore_with_verify_first_of_a_snapshot_that_fails_its_drill_is_refused_and_changes_nothing()
    {
        var forged = await ForgeOnNode1Async(keysBefore: 2, keysAfter: 1);
        _before = await ClusterState.ReadAsync();

        var result = await TestbedCli.RunAsync("etcd", "snapshot-restore", "--name", forged, "--verify-first");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.StderrLines[^1], Does.Contain("restore refused, nothing was changed: the restore drill of " + forged + " failed"));
        await _before.AssertUnchangedAsync();
    }

    [Test]
    public async Task An_unknown_snapshot_or_node_is_bad_input()
    {
        var unknownSnapshot = await VerifyAsync(Name("absent"), "--quiet");
        var unknownNode = await VerifyAsync("whatever", "--node", "10.99.99.99", "--quiet");

        Assert.That(unknownSnapshot.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), unknownSnapshot.ToString());
        Assert.That(unknownSnapshot.StderrLines, Has.Count.EqualTo(1));
        Assert.That(unknownSnapshot.Stderr, Does.Contain("not found").And.Contain("snapshot-list"));
        Assert.That(unknownNode.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), unknownNode.ToString());
        Assert.That(unknownNode.StderrLines, Has.Count.EqualTo(1));
        Assert.That(unknownNode.Stderr, Does.Contain("--node 10.99.99.99 is not an etcd node"));
    }

    /// <summary>
    /// A snapshot whose db is intact but of another moment: the db of a save taken after <paramref name="keysAfter"/> more
    /// keys, under a manifest whose size and hash fit that db but whose revision, hash and counts are the earlier save's.
    /// </summary>
    private async Task<string> ForgeOnNode1Async(int keysBefore, int keysAfter)
    {
        await PutKeysAsync(keysBefore);
        var original = Name("orig");
        Assert.That((await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", original)).ExitCode, Is.Zero);
        await PutKeysAsync(keysAfter, from: keysBefore);
        var later = Name("later");
        Assert.That((await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", later)).ExitCode, Is.Zero);

        var forged = Name("forged");
        var manifest = ManifestOf(1, original);
        var laterManifest = ManifestOf(1, later);
        manifest["name"] = forged;
        manifest["dbSize"] = laterManifest["dbSize"]!.GetValue<long>();
        manifest["dbSha256"] = laterManifest["dbSha256"]!.GetValue<string>();
        WriteZip(1, forged, DbOf(1, later), manifest);
        return forged;
    }

    private static async Task<List<JsonElement>> ListAsync(params string[] extra)
    {
        var result = await TestbedCli.RunAsync(["etcd", "snapshot-list", "--output", "json", .. extra]);
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        return TestbedCli.Json(result).EnumerateArray().ToList();
    }

    private static string? VerifiedAt(List<JsonElement> listing, string name) =>
        listing.Single(s => s.GetProperty("name").GetString() == name).GetProperty("verifiedAt").GetString();

    private static Task<CliResult> VerifyAsync(string name, params string[] extra) =>
        TestbedCli.RunAsync(["etcd", "snapshot-verify", "--name", name, .. extra]);

    private async Task PutKeysAsync(int count, int from = 0)
    {
        for (var i = from; i < from + count; i++)
        {
            await RestoreTestbed.PutAsync($"/registry/{_resource}/default/k{i}", "v" + i.ToString(CultureInfo.InvariantCulture));
        }
    }

    private string Name(string what) => $"v{EtcdVersion.Replace(".", "", StringComparison.Ordinal)}-{what}-{Guid.NewGuid().ToString("N")[..6]}";

    private static JsonObject ManifestOf(int node, string name)
    {
        using var zip = ZipFile.OpenRead(TestbedCli.SnapshotPath(node, name + ".zip"));
        using var stream = zip.GetEntry("clusterctl-manifest.json")!.Open();
        return JsonNode.Parse(stream)!.AsObject();
    }

    private static byte[] DbOf(int node, string name)
    {
        using var zip = ZipFile.OpenRead(TestbedCli.SnapshotPath(node, name + ".zip"));
        using var stream = zip.GetEntry("/backup/" + name)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static void WriteZip(int node, string name, byte[] db, JsonObject manifest)
    {
        using var zip = ZipFile.Open(TestbedCli.SnapshotPath(node, name + ".zip"), ZipArchiveMode.Create);
        using (var entry = zip.CreateEntry("/backup/" + name).Open())
        {
            entry.Write(db);
        }

        using var manifestEntry = zip.CreateEntry("clusterctl-manifest.json").Open();
        manifestEntry.Write(JsonSerializer.SerializeToUtf8Bytes(manifest));
    }

    /// <summary>What a drill must never change: each etcd's start time, each data dir, the cluster's revision.</summary>
    private sealed record ClusterState(IReadOnlyList<DateTimeOffset> StartedAt, IReadOnlyList<string> DataDirectories, long Revision)
    {
        public static async Task<ClusterState> ReadAsync() => new(
            await Task.WhenAll(RestoreTestbed.Nodes.Select(n => RestoreTestbed.StartedAtAsync(n, "etcd"))),
            RestoreTestbed.Nodes.SelectMany(n => RestoreTestbed.DataDirectoryListing(n).Select(e => $"node{n} {e}")).ToList(),
            await RevisionAsync());

        public async Task AssertUnchangedAsync()
        {
            var after = await ReadAsync();
            Assert.That(after.StartedAt, Is.EqualTo(StartedAt), "etcd containers were not restarted");
            Assert.That(after.DataDirectories, Is.EqualTo(DataDirectories), "the data dirs are as they were");
            Assert.That(after.Revision, Is.EqualTo(Revision), "nothing was written to etcd");
        }

        private static async Task<long> RevisionAsync()
        {
            using var status = JsonDocument.Parse(await Testbed.RunAsync("etcdctl", "1", "endpoint", "status", "-w", "json"));
            return status.RootElement[0].GetProperty("Status").GetProperty("header").GetProperty("revision").GetInt64();
        }
    }
}
