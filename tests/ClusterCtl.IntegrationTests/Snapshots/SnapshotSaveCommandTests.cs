using System.Globalization;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Snapshots;

/// <summary>
/// snapshot-save's refusals, source fail-over, lock, interruption and overwrite: the same on every etcd version, so on
/// the default one only.
/// </summary>
public class SnapshotSaveCommandTests() : SnapshotSaveFixture("3.5")
{
    [Test]
    public async Task Wrong_S3_keys_keep_the_local_copies_and_exit_1()
    {
        var name = Name("badkeys");

        // s3rver checks access key ids but not signatures, so the wrong pair starts with the key.
        var result = await TestbedCli.RunAsync(["etcd", "snapshot-save", "--name", name, .. TestbedCli.S3Flags(Folder, accessKey: "NOBODY", secret: "not-the-secret")]);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.Stderr, Does.Contain("credentials"));
        Assert.That(result.Stderr, Does.Not.Contain("not-the-secret"), "the secret is never printed");
        for (var n = 1; n <= Testbed.NodeCount; n++)
        {
            Assert.That(File.Exists(TestbedCli.SnapshotPath(n, name + ".zip")), $"node{n} keeps its verified copy");
        }
    }

    [Test]
    public async Task A_node_whose_sshd_is_stopped_is_named_and_the_save_is_refused_before_anything_is_written()
    {
        var name = Name("nossh");
        await Testbed.RunAsync("stop-sshd", "3");
        try
        {
            var result = await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", name);

            // The lock must be held on every etcd node: a save that cannot reach one does not start.
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
            Assert.That(result.Stderr, Does.Contain(Testbed.NodeAddress(3)).And.Contain("every etcd node"));
            for (var n = 1; n <= Testbed.NodeCount; n++)
            {
                Assert.That(File.Exists(TestbedCli.SnapshotPath(n, name + ".zip")), Is.False, $"node{n}");
            }
        }
        finally
        {
            await Testbed.RunAsync("start-sshd", "3");
        }
    }

    [Test]
    public async Task When_the_source_members_etcd_is_stopped_another_member_takes_the_snapshot()
    {
        var first = await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", Name("src1"), "--output", "json");
        Assert.That(first.ExitCode, Is.Zero, first.ToString());
        var source = TestbedCli.Json(first).GetProperty("sourceNode").GetString()!;
        var sourceIndex = Enumerable.Range(1, Testbed.NodeCount).Single(n => Testbed.NodeAddress(n) == source).ToString(CultureInfo.InvariantCulture);

        await Testbed.RunAsync("docker", sourceIndex, "stop", "etcd");
        try
        {
            var second = await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", Name("src2"), "--output", "json");

            Assert.That(second.ExitCode, Is.Zero, second.ToString());
            Assert.That(TestbedCli.Json(second).GetProperty("sourceNode").GetString(), Is.Not.EqualTo(source));
        }
        finally
        {
            await Testbed.RunAsync("docker", sourceIndex, "start", "etcd");
        }
    }

    [Test]
    public async Task A_run_while_another_holds_the_lock_exits_1_and_says_who_holds_it()
    {
        await using var holder = await TestbedSession.OpenAsync();
        await using (await holder.LockAsync(TestbedSession.LoadConfig(), "etcd snapshot-restore", TestbedSession.Logger, CancellationToken.None))
        {
            var result = await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", Name("locked"));

            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
            Assert.That(result.Stderr, Does.Contain("locked by 'etcd snapshot-restore'").And.Contain(holder.RunId));
        }
    }

    [Test]
    public async Task Ctrl_C_during_a_save_exits_130_and_leaves_no_partial_file_helper_or_lock()
    {
        var name = Name("interrupted");

        var (result, interrupted) = await ClusterCtlRunner.RunAndInterruptAsync(
            ["etcd", "snapshot-save", "--name", name, "--config", Testbed.ClusterYml, "--known-hosts", Testbed.NewKnownHostsFile()],
            interruptWhen: "Taking snapshot");

        Assert.That(interrupted, Is.True, result.ToString());
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Interrupted), result.ToString());
        for (var n = 1; n <= Testbed.NodeCount; n++)
        {
            var files = TestbedCli.SnapshotFiles(n).Select(Path.GetFileName);
            Assert.That(files, Has.None.Contains(name), $"node{n} keeps nothing of the interrupted save");
        }

        var again = await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", name);
        Assert.That(again.ExitCode, Is.Zero, "the lock was released: " + again);
    }

    [Test]
    public async Task An_invalid_snapshot_name_is_refused_before_anything_is_touched()
    {
        var result = await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", "../escape");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), result.ToString());
        Assert.That(result.Stderr, Does.Contain("is invalid"));
        Assert.That(result.StderrLines, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_name_that_exists_is_refused_with_exit_2_and_no_copy_or_S3_object_is_touched()
    {
        var name = Name("exists");
        var first = await TestbedCli.RunAsync(["etcd", "snapshot-save", "--name", name, .. TestbedCli.S3Flags(Folder)]);
        Assert.That(first.ExitCode, Is.Zero, first.ToString());
        await Testbed.RunAsync("etcdctl", "1", "put", "/registry/test/after-first", "1");
        var before = await StateAsync(name);

        var again = await TestbedCli.RunAsync(["etcd", "snapshot-save", "--name", name, .. TestbedCli.S3Flags(Folder)]);

        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), again.ToString());
        Assert.That(again.StderrLines.Where(l => l.StartsWith("FATA", StringComparison.Ordinal)).ToList(), Has.Count.EqualTo(1), "one error line");
        Assert.That(again.StderrLines[^1], Does.Contain($"snapshot {name} already exists on").And.Contain(Testbed.NodeAddress(1)).And.Contain("--overwrite"));
        Assert.That(await StateAsync(name), Is.EqualTo(before), "every node's files and the S3 object are as they were");
    }

    [Test]
    public async Task A_name_that_exists_on_one_node_only_or_in_S3_only_is_refused_before_anything_is_written()
    {
        var onNode2 = Name("on-node2");
        var inS3 = Name("in-s3");
        await File.WriteAllTextAsync(TestbedCli.SnapshotPath(2, onNode2 + ".zip"), "someone else's zip");
        var saved = await TestbedCli.RunAsync(["etcd", "snapshot-save", "--name", inS3, .. TestbedCli.S3Flags(Folder)]);
        Assert.That(saved.ExitCode, Is.Zero, saved.ToString());
        for (var n = 1; n <= Testbed.NodeCount; n++)
        {
            File.Delete(TestbedCli.SnapshotPath(n, inS3 + ".zip"));
            File.Delete(TestbedCli.SnapshotPath(n, "." + inS3 + ".zip.sha256"));
        }

        var before = (await StateAsync(onNode2), await StateAsync(inS3));

        var refusedOnNode = await TestbedCli.RunAsync(["etcd", "snapshot-save", "--name", onNode2, .. TestbedCli.S3Flags(Folder)]);
        var refusedInS3 = await TestbedCli.RunAsync(["etcd", "snapshot-save", "--name", inS3, .. TestbedCli.S3Flags(Folder)]);

        Assert.That(refusedOnNode.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), refusedOnNode.ToString());
        Assert.That(refusedOnNode.StderrLines[^1], Does.Contain("already exists on " + Testbed.NodeAddress(2) + ";"), "node2 only");
        Assert.That(refusedInS3.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), refusedInS3.ToString());
        Assert.That(refusedInS3.StderrLines[^1], Does.Contain("already exists on s3://"));
        Assert.That((await StateAsync(onNode2), await StateAsync(inS3)), Is.EqualTo(before), "nothing was written to any node or to S3");
        Assert.That(Enumerable.Range(1, Testbed.NodeCount).SelectMany(TestbedCli.SnapshotFiles).Select(Path.GetFileName),
            Has.None.Contains(".partial").And.None.Contains(".db"), "no snapshot was taken");
    }

    [Test]
    public async Task Overwrite_replaces_an_existing_name_on_every_node_and_in_S3()
    {
        var name = Name("overwrite");
        var first = await TestbedCli.RunAsync(["etcd", "snapshot-save", "--name", name, .. TestbedCli.S3Flags(Folder)]);
        Assert.That(first.ExitCode, Is.Zero, first.ToString());
        await Testbed.RunAsync("etcdctl", "1", "put", "/registry/test/overwrite", Guid.NewGuid().ToString());
        var before = await StateAsync(name);

        var result = await TestbedCli.RunAsync(["etcd", "snapshot-save", "--name", name, "--overwrite", "--output", "json", .. TestbedCli.S3Flags(Folder)]);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var zipSha = TestbedCli.Json(result).GetProperty("zipSha256").GetString();
        var after = await StateAsync(name);
        Assert.That(after, Is.Not.EqualTo(before));
        Assert.That(after.Split(' ', StringSplitOptions.RemoveEmptyEntries), Has.All.EqualTo(zipSha), "every node and S3 hold the new zip");
    }
}
