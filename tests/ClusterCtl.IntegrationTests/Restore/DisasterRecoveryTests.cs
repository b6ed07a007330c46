using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Restore;

/// <summary>
/// Disaster recovery as an operator runs it: a node is gone for good, cluster.yml names a bare replacement in its
/// place, and snapshot-restore brings the cluster back with a new member whose certificates come from the cluster CA.
/// Also shrinking and growing the cluster from one snapshot, and the refusal when no CA can be found.
/// </summary>
[NonParallelizable]
public class DisasterRecoveryTests
{
    private string _folder = null!;

    // Keys of this test alone: the testbed is shared, and an earlier fixture may have left keys of the same name.
    private string KeyA => $"/registry/{_folder}/a";

    private string KeyB => $"/registry/{_folder}/b";
    private string _configDirectory = null!;

    [SetUp]
    public async Task StartFromAFreshClusterWithKeySetA()
    {
        // Every test here adds node 4, and some destroy node 2 or delete the CA keys: node 4 goes and the keys come back
        // at once, and a reset (15 s and more) runs only when etcd is not healthy on nodes 1 to 3.
        await Testbed.RunAsync("destroy-node", "4");
        foreach (var node in RestoreTestbed.Nodes)
        {
            var key = Path.Combine(Testbed.Directory, "nodes", RestoreTestbed.NodeName(node), "kubernetes", "ssl", "kube-ca-key.pem");
            if (Directory.Exists(Path.GetDirectoryName(key)) && !File.Exists(key))
            {
                File.Copy(Path.Combine(Testbed.Directory, "ca", "kube-ca-key.pem"), key);
                File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        await RestoreTestbed.RepairIfUnhealthyAsync();
        _folder = "dr-" + Guid.NewGuid().ToString("N")[..8];
        _configDirectory = Directory.CreateTempSubdirectory("clusterctl-dr-").FullName;
        await RestoreTestbed.PutAsync(KeyA, "A");
    }

    [TearDown]
    public void RemoveTheConfigCopy() => Directory.Delete(_configDirectory, recursive: true);

    [OneTimeTearDown]
    public Task LeaveAHealthyTestbed() => Testbed.RunAsync("reset");

    [Test]
    public async Task A_destroyed_node_is_replaced_by_a_bare_node_from_an_S3_snapshot()
    {
        await SaveAsync(Testbed.ClusterYml, "before-loss", s3: true);
        await RestoreTestbed.PutAsync(KeyB, "B");
        await ReplaceNode2ByNode4Async();
        var config = WriteConfig([1, 4, 3], withState: true);

        var result = await RestoreAsync(config, ["before-loss", "--output", "json", .. TestbedCli.S3Flags(_folder)]);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        await AssertRestoredAsync([1, 3, 4]);
        AssertNode4CertificateChainsToTheCa();
        var report = TestbedCli.Json(result);
        Assert.That(report.GetProperty("newNodes").EnumerateArray().Select(n => n.GetString()), Is.EqualTo(new[] { Testbed.NodeAddress(4) }));
        var restarted = report.GetProperty("restarted").EnumerateArray()
            .Select(r => (r.GetProperty("host").GetString(), r.GetProperty("container").GetString())).ToList();
        Assert.That(restarted, Does.Contain((Testbed.NodeAddress(1), "kube-apiserver")).And.Contain((Testbed.NodeAddress(3), "kube-apiserver"))
            .And.Contain((Testbed.NodeAddress(1), "kubelet")).And.Contain((Testbed.NodeAddress(3), "kube-scheduler")));
        var stale = report.GetProperty("staleEtcdServers").EnumerateArray().ToList();
        Assert.That(stale.Select(s => s.GetProperty("host").GetString()), Is.EquivalentTo(new[] { Testbed.NodeAddress(1), Testbed.NodeAddress(3) }));
        Assert.That(stale[0].GetProperty("staleServers").EnumerateArray().Select(s => s.GetString()), Is.EqualTo(new[] { $"https://{Testbed.NodeAddress(2)}:2379" }));
        Assert.That(stale[0].GetProperty("message").GetString(), Does.Contain("reconfigure the control plane"));
    }

    [Test]
    public async Task A_destroyed_node_is_replaced_from_a_surviving_nodes_copy_with_the_ca_from_a_control_plane_node()
    {
        await SaveAsync(Testbed.ClusterYml, "local-only", s3: false);
        await RestoreTestbed.PutAsync(KeyB, "B");
        await ReplaceNode2ByNode4Async();
        // No cluster.rkestate and no --ca-cert: the CA comes from the kube-ca files on node 1 or 3.
        var config = WriteConfig([1, 4, 3], withState: false);
        var started = DateTimeOffset.UtcNow.AddSeconds(-1);

        var result = await RestoreAsync(config, "local-only");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Does.Contain("New nodes"));
        Assert.That(result.Stderr, Does.Contain("--etcd-servers still names https://" + Testbed.NodeAddress(2)).And.Contain("reconfigure the control plane"));
        await AssertRestoredAsync([1, 3, 4]);
        AssertNode4CertificateChainsToTheCa();
        // The key came out through the archive endpoint of an idle helper, not through a helper's output (its log).
        var caReads = (await RestoreTestbed.HelperEventsAsync(1, "read-kube-ca", started)).Concat(await RestoreTestbed.HelperEventsAsync(3, "read-kube-ca", started)).ToList();
        Assert.That(caReads, Does.Contain("archive-path"));
        Assert.That(caReads.Count(a => a == "create"), Is.EqualTo(1), "one node is asked, once");
    }

    [Test]
    public async Task A_three_node_snapshot_shrinks_to_one_node_and_a_one_node_snapshot_grows_back_to_three()
    {
        await SaveAsync(Testbed.ClusterYml, "three", s3: false);
        await RestoreTestbed.PutAsync(KeyB, "B");
        var node2Etcd = await RestoreTestbed.StartedAtAsync(2, "etcd");
        var single = WriteConfig([1], withState: true);

        var shrink = await RestoreAsync(single, "three");

        Assert.That(shrink.ExitCode, Is.Zero, shrink.ToString());
        await AssertRestoredAsync([1]);
        Assert.That(await RestoreTestbed.StartedAtAsync(2, "etcd"), Is.EqualTo(node2Etcd), "a node no longer in cluster.yml is not contacted");

        await RestoreTestbed.PutAsync("/registry/c", "C");
        await SaveAsync(single, "one", s3: false);
        await RestoreTestbed.PutAsync("/registry/d", "D");

        var grow = await RestoreAsync(Testbed.ClusterYml, "one");

        Assert.That(grow.ExitCode, Is.Zero, grow.ToString());
        await AssertRestoredAsync([1, 2, 3]);
        foreach (var node in new[] { 1, 2, 3 })
        {
            Assert.That(await GetAsync(node, "/registry/c"), Is.EqualTo("C"), $"node{node} has the one-node snapshot's data");
            Assert.That(await GetAsync(node, "/registry/d"), Is.Empty, $"node{node} has nothing written after it");
        }
    }

    [Test]
    public async Task Without_any_ca_a_new_node_refuses_the_restore_and_lists_the_three_ways_to_supply_it()
    {
        await SaveAsync(Testbed.ClusterYml, "no-ca", s3: false);
        await Testbed.RunAsync("add-node", "4");
        foreach (var node in new[] { 1, 2, 3 })
        {
            File.Delete(Path.Combine(Testbed.Directory, "nodes", RestoreTestbed.NodeName(node), "kubernetes", "ssl", "kube-ca-key.pem"));
        }

        var config = WriteConfig([1, 4, 3], withState: false);
        var etcdStarted = await RestoreTestbed.StartedAtAsync(1, "etcd");

        var result = await RestoreAsync(config, "no-ca");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.Stdout + result.Stderr, Does.Contain("refused").And.Contain("nothing was written").And.Contain(Testbed.NodeAddress(4))
            .And.Contain("cluster.rkestate").And.Contain("--ca-cert").And.Contain("control-plane node"));
        Assert.That(await RestoreTestbed.StartedAtAsync(1, "etcd"), Is.EqualTo(etcdStarted), "etcd was not restarted");
        Assert.That(Directory.Exists(Node4Ssl) ? Directory.GetFiles(Node4Ssl) : [], Is.Empty, "no certificate was written");
    }

    [Test]
    public async Task A_dry_run_marks_the_replacement_as_a_new_node_signed_by_the_ca_given_on_the_command_line_and_writes_nothing()
    {
        await SaveAsync(Testbed.ClusterYml, "planned", s3: false);
        await Testbed.RunAsync("add-node", "4");
        foreach (var node in new[] { 1, 2, 3 })
        {
            // Only --ca-cert/--ca-key can supply the CA: no state file, no key on the control-plane nodes.
            File.Delete(Path.Combine(Testbed.Directory, "nodes", RestoreTestbed.NodeName(node), "kubernetes", "ssl", "kube-ca-key.pem"));
        }

        var config = WriteConfig([1, 4, 3], withState: false);
        var ca = Path.Combine(Testbed.Directory, "ca");

        var result = await RestoreAsync(config, "planned", "--dry-run",
            "--ca-cert", Path.Combine(ca, "kube-ca.pem"), "--ca-key", Path.Combine(ca, "kube-ca-key.pem"), "--output", "json");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var report = TestbedCli.Json(result);
        Assert.That(report.GetProperty("newNodes").EnumerateArray().Select(n => n.GetString()), Is.EqualTo(new[] { Testbed.NodeAddress(4) }));
        var node4 = report.GetProperty("plan").GetProperty("etcdNodes").EnumerateArray().Single(n => n.GetProperty("host").GetString() == Testbed.NodeAddress(4));
        Assert.That(node4.GetProperty("isNewNode").GetBoolean(), Is.True);
        var certificates = node4.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "certificates");
        Assert.That(certificates.GetProperty("detail").GetString(), Does.Contain("made from the cluster CA (--ca-cert"));
        Assert.That(Directory.Exists(Node4Ssl) ? Directory.GetFiles(Node4Ssl) : [], Is.Empty, "a dry run writes no certificate");
    }

    [Test]
    public async Task Certificates_made_for_a_new_node_are_removed_when_the_restore_is_refused_before_the_point_of_no_return()
    {
        await SaveAsync(Testbed.ClusterYml, "flipped", s3: false);
        foreach (var node in new[] { 1, 2, 3 })
        {
            // Damaged everywhere: the refusal comes at distribution, after the new node's certificates were written.
            await using var file = File.OpenWrite(Path.Combine(RestoreTestbed.SnapshotDirectory(node), "flipped.zip"));
            file.Seek(200, SeekOrigin.Begin);
            file.WriteByte(0x5A);
        }

        await Testbed.RunAsync("add-node", "4");
        var config = WriteConfig([1, 4, 3], withState: true);

        var result = await RestoreAsync(config, "flipped");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.Stderr, Does.Contain("nothing was changed").And.Contain("removed the certificates this run made"));
        Assert.That(Directory.Exists(Node4Ssl) ? Directory.GetFiles(Node4Ssl) : [], Is.Empty, "node 4 is left as it was found");
    }

    private static string Node4Ssl => Path.Combine(Testbed.Directory, "nodes", "node4", "kubernetes", "ssl");

    private static async Task ReplaceNode2ByNode4Async()
    {
        await Testbed.RunAsync("destroy-node", "2");
        await Testbed.RunAsync("add-node", "4");
    }

    /// <summary>The testbed's cluster.yml with the given nodes, in that order (node 4 as a copy of node 2's entry), beside an optional copy of cluster.rkestate.</summary>
    private string WriteConfig(IReadOnlyList<int> nodes, bool withState)
    {
        var lines = File.ReadAllLines(Testbed.ClusterYml);
        var start = Array.IndexOf(lines, "nodes:");
        var end = Array.FindIndex(lines, start + 1, l => l.Length > 0 && !l.StartsWith(' '));
        var entries = new Dictionary<string, List<string>>();
        List<string>? current = null;
        foreach (var line in lines[(start + 1)..end])
        {
            if (line.StartsWith("  - address: ", StringComparison.Ordinal))
            {
                current = [];
                entries[line["  - address: ".Length..].Trim()] = current;
            }

            current!.Add(line);
        }

        var selected = nodes.SelectMany(n => n == 4
            ? entries[Testbed.NodeAddress(2)].Select(l => l.Replace(Testbed.NodeAddress(2), Testbed.NodeAddress(4), StringComparison.Ordinal).Replace("node2", "node4", StringComparison.Ordinal))
            : entries[Testbed.NodeAddress(n)]);
        var path = Path.Combine(_configDirectory, $"cluster-{string.Join("", nodes)}", "cluster.yml");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllLines(path, [.. lines[..(start + 1)], .. selected, .. lines[end..]]);
        if (withState)
        {
            File.Copy(Path.Combine(Testbed.Directory, "cluster.rkestate"), Path.Combine(Path.GetDirectoryName(path)!, "cluster.rkestate"));
        }

        return path;
    }

    private async Task SaveAsync(string config, string name, bool s3)
    {
        var result = await ClusterCtlRunner.RunAsync(["etcd", "snapshot-save", "--name", name, .. s3 ? TestbedCli.S3Flags(_folder) : [], .. Common(config)]);
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
    }

    private static Task<CliResult> RestoreAsync(string config, params string[] nameAndFlags) =>
        ClusterCtlRunner.RunAsync(["etcd", "snapshot-restore", "--name", .. nameAndFlags, .. Common(config)]);

    private static string[] Common(string config) => ["--config", config, "--known-hosts", Testbed.NewKnownHostsFile()];

    private static async Task<string> GetAsync(int node, string key) =>
        (await Testbed.RunAsync("etcdctl", node.ToString(CultureInfo.InvariantCulture), "get", key, "--print-value-only", "--consistency=s")).Trim();

    /// <summary>Exactly these members, all started and healthy, one leader, and the snapshot's data (A, none of B) on each.</summary>
    private async Task AssertRestoredAsync(IReadOnlyList<int> nodes)
    {
        var members = await Testbed.RunAsync("etcdctl", nodes[0].ToString(CultureInfo.InvariantCulture), "member", "list", "-w", "json");
        using var json = JsonDocument.Parse(members);
        var names = json.RootElement.GetProperty("members").EnumerateArray().Select(m => m.TryGetProperty("name", out var n) ? n.GetString() : "(not started)");
        Assert.That(names, Is.EquivalentTo(nodes.Select(n => "etcd-" + RestoreTestbed.NodeName(n))), "the membership is exactly cluster.yml's etcd nodes");

        var leaders = 0;
        foreach (var node in nodes)
        {
            var n = node.ToString(CultureInfo.InvariantCulture);
            var health = await Testbed.TryRunAsync("etcdctl", n, "endpoint", "health");
            Assert.That(health.ExitCode, Is.Zero, $"node{node}: {health.Stdout}{health.Stderr}");
            leaders += ClusterCtl.Etcd.EtcdctlJson.ParseEndpointStatus("testbed", await Testbed.RunAsync("etcdctl", n, "endpoint", "status", "-w", "json")).Count(s => s.IsLeader);
            Assert.That(await GetAsync(node, KeyA), Is.EqualTo("A"), $"node{node} has the snapshot's data");
            Assert.That(await GetAsync(node, KeyB), Is.Empty, $"node{node} has nothing written after the snapshot");
        }

        Assert.That(leaders, Is.EqualTo(1));
    }

    private static void AssertNode4CertificateChainsToTheCa()
    {
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(Testbed.Directory, "ca", "kube-ca.pem")));
        var certificateFile = Path.Combine(Node4Ssl, $"kube-etcd-{Testbed.NodeAddress(4).Replace('.', '-')}.pem");
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certificateFile));
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.That(chain.Build(certificate), Is.True, string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.That(File.GetUnixFileMode(certificateFile), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead));
        Assert.That(File.GetUnixFileMode(certificateFile.Replace(".pem", "-key.pem", StringComparison.Ordinal)), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }
}
