using ClusterCtl.Restore;

namespace ClusterCtl.IntegrationTests.Restore;

/// <summary>Phase 3 and everything before the point of no return: a dry run writes nothing, and a problem refuses the restore with the cluster untouched.</summary>
[NonParallelizable]
public class PreflightTests
{
    private static readonly RestoreSource Unplaced = new("not-distributed", new string('0', 64), 0, "3.5.16", 1024 * 1024);

    [OneTimeSetUp]
    public Task Reset() => Testbed.RunAsync("reset");

    /// <summary>
    /// Phase 3 alone on a snapshot that is nowhere, then the engine's refusal of a plan with problems (or, in a dry run,
    /// its report): what a restore does up to the moment it would first write.
    /// </summary>
    private static async Task<RestoreReport> PreflightThenExecuteAsync(ClusterCtl.Config.ClusterConfig config, ClusterCtl.Hosts.ClusterSession session, RestoreOptions options)
    {
        var restorer = new EtcdRestorer(config, TestbedSession.Logger);
        var plan = await restorer.PreflightAsync(session, Unplaced, options, CancellationToken.None);
        return options.DryRun ? EtcdRestorer.DryRunReport(plan) : await restorer.ExecuteAsync(session, plan, options, CancellationToken.None);
    }

    [Test]
    public async Task A_dry_run_plans_every_node_and_writes_nothing()
    {
        var config = TestbedSession.LoadConfig();
        var listings = RestoreTestbed.Nodes.ToDictionary(n => n, RestoreTestbed.DataDirectoryListing);
        var etcdStarted = await EtcdStartTimesAsync();
        await using var session = await RestoreTestbed.OpenAsync(config);

        var report = await PreflightThenExecuteAsync(config, session, new RestoreOptions { DryRun = true });

        Assert.That(report.Outcome, Is.EqualTo(RestoreOutcome.DryRun));
        Assert.That(report.ExitCode, Is.EqualTo(ExitCodes.Success));
        var plan = report.Plan!;
        Assert.That(plan.Ready, Is.True, string.Join('\n', plan.Problems));
        Assert.That(plan.EtcdNodes.Select(n => n.Host), Is.EqualTo(RestoreTestbed.Nodes.Select(Testbed.NodeAddress)));
        Assert.That(plan.EtcdNodes, Has.All.Matches<PreflightResult>(n => n.Passed && n.EtcdVersion == "3.5.16" && n.HasEtcdutl && n.HasMember && !n.SnapshotInPlace));
        Assert.That(plan.EtcdNodes, Has.All.Matches<PreflightResult>(n => n.EtcdContainerAction == EtcdContainerAction.StartAsIs));
        Assert.That(plan.Tool, Is.EqualTo(RestoreTool.Etcdutl));
        Assert.That(plan.BumpRevision, Is.True);
        Assert.That(plan.ClusterHealthyBefore, Is.True);
        Assert.That(plan.ApiserverNodes, Has.Count.EqualTo(3));
        Assert.That(plan.Steps, Has.Some.StartsWith("POINT OF NO RETURN"));
        Assert.That(plan.HealthTimeoutSeconds, Is.EqualTo(300), "backup_config.timeout's default");
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(RestoreTestbed.DataDirectoryListing(node), Is.EqualTo(listings[node]), $"node{node}'s data dir is untouched");
        }

        Assert.That(await EtcdStartTimesAsync(), Is.EqualTo(etcdStarted), "no etcd was stopped or started");
        Assert.That(await RestoreTestbed.HelpersLeftAsync(), Is.Empty);
    }

    [Test]
    public async Task An_absent_image_is_would_pull_in_a_dry_run_and_a_refusal_when_it_cannot_be_pulled()
    {
        var testbed = TestbedSession.LoadConfig();
        // A registry on the nodes' own loopback: nothing listens, so the pull fails at once and nothing leaves the machine.
        var config = testbed with { Etcd = testbed.Etcd with { Image = "127.0.0.1:5999/etcd:v3.5.16" } };
        await using var session = await RestoreTestbed.OpenAsync(config);

        var dryRun = await PreflightThenExecuteAsync(config, session, new RestoreOptions { DryRun = true });
        var refused = Assert.ThrowsAsync<ClusterCtlException>(() => PreflightThenExecuteAsync(config, session, new RestoreOptions()));

        Assert.That(dryRun.Plan!.EtcdNodes.SelectMany(n => n.Checks).Where(c => c.Name == "etcd image").Select(c => c.Detail), Is.All.EqualTo("would pull"));
        Assert.That(dryRun.ExitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That(refused!.ExitCode, Is.EqualTo(ExitCodes.Failed));
        Assert.That(refused.Message, Does.Contain("restore refused, nothing was changed").And.Contain("127.0.0.1:5999/etcd:v3.5.16").And.Contain("docker load"));
        Assert.That(await RestoreTestbed.HealthyAsync(), Is.True);
    }

    [Test]
    public async Task A_missing_certificate_is_named_with_its_node_and_refuses_the_restore()
    {
        var config = TestbedSession.LoadConfig();
        var key = Path.Combine(Testbed.Directory, "nodes", "node3", "kubernetes", "ssl", "kube-etcd-" + Testbed.NodeAddress(3).Replace('.', '-') + "-key.pem");
        File.Move(key, key + ".away");
        try
        {
            await using var session = await RestoreTestbed.OpenAsync(config);

            var e = Assert.ThrowsAsync<ClusterCtlException>(() => PreflightThenExecuteAsync(config, session, new RestoreOptions()));

            Assert.That(e!.Message, Does.StartWith("restore refused, nothing was changed: " + Testbed.NodeAddress(3)).And.Contain(Path.GetFileName(key)));
            Assert.That(e.ExitCode, Is.EqualTo(ExitCodes.Failed));
        }
        finally
        {
            File.Move(key + ".away", key);
        }
    }

    [Test]
    public async Task A_snapshot_of_another_etcd_minor_version_is_refused()
    {
        var config = TestbedSession.LoadConfig();
        await using var session = await RestoreTestbed.OpenAsync(config);

        var plan = await new EtcdRestorer(config, TestbedSession.Logger).PreflightAsync(session, Unplaced with { EtcdVersion = "3.4.23" }, new RestoreOptions(), CancellationToken.None);

        Assert.That(plan.Ready, Is.False);
        Assert.That(plan.Problems, Has.Count.EqualTo(3).And.All.Contain("the image runs etcd 3.5.16, the snapshot comes from etcd 3.4.23").And.All.Contain("3.4.x image"));
    }

    [Test]
    public async Task An_unreachable_etcd_node_is_named_and_refuses_the_restore()
    {
        var config = TestbedSession.LoadConfig();
        await Testbed.RunAsync("cut", "2");
        try
        {
            await using var session = await RestoreTestbed.OpenAsync(config);

            var e = Assert.ThrowsAsync<ClusterCtlException>(() => PreflightThenExecuteAsync(config, session, new RestoreOptions()));

            Assert.That(e!.Message, Does.StartWith("restore refused, nothing was changed: " + Testbed.NodeAddress(2) + ": unreachable"));
        }
        finally
        {
            await Testbed.RunAsync("heal", "2");
        }
    }

    internal static async Task<List<DateTimeOffset>> EtcdStartTimesAsync()
    {
        var times = new List<DateTimeOffset>();
        foreach (var node in RestoreTestbed.Nodes)
        {
            times.Add(await RestoreTestbed.StartedAtAsync(node, "etcd"));
            times.Add(await RestoreTestbed.StartedAtAsync(node, "kube-apiserver"));
        }

        return times;
    }
}
