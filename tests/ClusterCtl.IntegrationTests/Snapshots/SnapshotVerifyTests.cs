using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Snapshots;

/// <summary>
/// snapshot-verify's drill outcomes, which depend on the etcd image's own tools: run against etcd 3.5 and 3.4.
/// </summary>
[TestFixture("3.5")]
[TestFixture("3.4")]
public class SnapshotVerifyTests(string etcdVersion) : SnapshotVerifyFixture(etcdVersion)
{
    [Test]
    public async Task A_fresh_save_verifies_with_revision_hashkv_and_the_key_counts_the_test_wrote()
    {
        await PutKeysAsync(3);
        var name = Name("fresh");
        Assert.That((await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", name)).ExitCode, Is.Zero);
        var manifest = ManifestOf(1, name);
        Assert.That(manifest["proof"]?["keyCounts"]?[Resource]?.GetValue<long>(), Is.EqualTo(3), "the save recorded the key counts");
        Before = await ClusterState.ReadAsync();

        var result = await VerifyAsync(name, "--output", "json");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
        var report = TestbedCli.Json(result);
        Assert.Multiple(() =>
        {
            Assert.That(report.GetProperty("verified").GetBoolean(), Is.True);
            Assert.That(report.GetProperty("revision").GetInt64(), Is.EqualTo(manifest["revision"]!.GetValue<long>()));
            Assert.That(report.GetProperty("hashMatches").GetBoolean(), Is.True);
            Assert.That(report.GetProperty("hashKv").GetUInt32(), Is.EqualTo(manifest["proof"]!["hashKv"]!.GetValue<uint>()));
            Assert.That(report.GetProperty("keyCounts").GetProperty(Resource).GetInt64(), Is.EqualTo(3));
            Assert.That(report.GetProperty("mismatches").GetArrayLength(), Is.Zero);
        });
        await Before.AssertUnchangedAsync();
    }

    [Test]
    public async Task A_db_of_another_moment_under_the_original_manifest_fails_naming_each_mismatch()
    {
        var forged = await ForgeOnNode1Async(keysBefore: 3, keysAfter: 2);
        Before = await ClusterState.ReadAsync();

        var result = await VerifyAsync(forged, "--node", Testbed.NodeAddress(1), "--output", "json");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        var mismatches = TestbedCli.Json(result).GetProperty("mismatches").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.That(mismatches, Has.Some.StartsWith("revision: recorded "));
        Assert.That(mismatches, Has.Some.StartsWith("hashkv at revision "));
        Assert.That(mismatches, Has.Some.EqualTo($"{Resource}: 3 keys recorded, 5 restored"));
        Assert.That(result.Stderr, Does.Contain(forged).And.Contain("does not verify"));
        await Before.AssertUnchangedAsync();
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
        Before = await ClusterState.ReadAsync();

        var good = await VerifyAsync(whole, "--node", Testbed.NodeAddress(2), "--output", "json");
        var bad = await VerifyAsync(cut, "--node", Testbed.NodeAddress(2), "--output", "json");

        Assert.That(good.ExitCode, Is.EqualTo(ExitCodes.Success), good.ToString());
        Assert.That(TestbedCli.Json(good).GetProperty("notes")[0].GetString(), Does.Contain("no recorded hash to compare"));
        Assert.That(bad.ExitCode, Is.EqualTo(ExitCodes.Failed), bad.ToString());
        Assert.That(TestbedCli.Json(bad).GetProperty("restorable").GetBoolean(), Is.False);
        Assert.That(bad.StderrLines[^1], Does.Contain(cut));
        await Before.AssertUnchangedAsync();
    }
}
