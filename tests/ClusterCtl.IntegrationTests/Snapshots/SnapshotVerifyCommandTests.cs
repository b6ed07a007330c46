using System.Globalization;
using System.Text.RegularExpressions;
using ClusterCtl.IntegrationTests.Restore;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Snapshots;

/// <summary>
/// snapshot-verify's choice of node, free-space check, S3 fetch, listing, interruption and refusals: the same on every
/// etcd version, so on the default one only.
/// </summary>
public class SnapshotVerifyCommandTests() : SnapshotVerifyFixture("3.5")
{
    [Test]
    public async Task The_table_shows_the_counts_per_resource_and_a_drill_runs_on_the_node_asked_for()
    {
        await PutKeysAsync(2);
        var name = Name("table");
        Assert.That((await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", name)).ExitCode, Is.Zero);

        var result = await VerifyAsync(name, "--node", Testbed.NodeAddress(3));

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
        Assert.That(result.Stdout, Does.Contain("VERIFIED").And.Contain("on " + Testbed.NodeAddress(3)).And.Contain("matches the one recorded"));
        Assert.That(result.Stdout.Split('\n').Single(l => l.Contains(Resource, StringComparison.Ordinal)), Does.Match(@"\b2\s+2\b"));
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
        Assert.That(report.GetProperty("keyCounts").GetProperty(Resource).GetInt64(), Is.EqualTo(2));
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
        Before = await ClusterState.ReadAsync();

        var result = await TestbedCli.RunAsync("etcd", "snapshot-restore", "--name", forged, "--verify-first");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.StderrLines[^1], Does.Contain("restore refused, nothing was changed: the restore drill of " + forged + " failed"));
        await Before.AssertUnchangedAsync();
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
}
