using System.Text.RegularExpressions;
using ClusterCtl.IntegrationTests.Restore;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Setups;

/// <summary>
/// RKE's usual set-up: every node reached as a non-root user in the docker group (<c>user: rancher</c>). Status, a save
/// with S3, the listing and a restore all work, and no SSH session logs in as root.
/// </summary>
[NonParallelizable]
public class NonRootSshUserTests
{
    private EditedClusterYml _config = null!;

    [OneTimeSetUp]
    public async Task AClusterReachedAsRancher()
    {
        await Testbed.RunAsync("reset");
        _config = EditedClusterYml.Write(yaml => yaml.Replace("user: root", "user: rancher", StringComparison.Ordinal));
    }

    [OneTimeTearDown]
    public void RemoveConfig() => _config.Dispose();

    [Test]
    public async Task Status_save_with_S3_list_and_restore_work_as_rancher_and_nothing_logs_in_as_root()
    {
        var logStart = RestoreTestbed.Nodes.ToDictionary(n => n, n => SshdLog(n).Length);
        var folder = "rancher-" + Guid.NewGuid().ToString("N")[..8];
        await RestoreTestbed.PutAsync("/registry/a", "A");

        var status = await _config.RunAsync("etcd", "status");
        var save = await _config.RunAsync(["etcd", "snapshot-save", "--name", "as-rancher", .. TestbedCli.S3Flags(folder)]);
        await RestoreTestbed.PutAsync("/registry/b", "B");
        var list = await _config.RunAsync(["etcd", "snapshot-list", "--output", "json", .. TestbedCli.S3Flags(folder)]);
        var restore = await _config.RunAsync("etcd", "snapshot-restore", "--name", "as-rancher");

        Assert.That(status.ExitCode, Is.Zero, status.ToString());
        Assert.That(save.ExitCode, Is.Zero, save.ToString());
        Assert.That(list.ExitCode, Is.Zero, list.ToString());
        var entry = TestbedCli.Json(list).EnumerateArray().Single(s => s.GetProperty("name").GetString() == "as-rancher");
        Assert.That(entry.GetProperty("inS3").GetBoolean(), Is.True);
        Assert.That(entry.GetProperty("copiesAgree").GetBoolean(), Is.True);
        Assert.That(restore.ExitCode, Is.Zero, restore.ToString());
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(await RestoreTestbed.GetLocalAsync(node, "/registry/b"), Is.Not.EqualTo("B"), $"node{node} holds the snapshot's data");
            var logins = Regex.Matches(SshdLog(node)[logStart[node]..], @"Accepted publickey for (\S+)").Select(m => m.Groups[1].Value).ToList();
            Assert.That(logins, Is.Not.Empty.And.All.EqualTo("rancher"), $"node{node}: every SSH login was rancher's");
        }

        Assert.That(await RestoreTestbed.HelpersLeftAsync(), Is.Empty);
    }

    private static string SshdLog(int node) => File.ReadAllText(Path.Combine(Testbed.Directory, "nodes", RestoreTestbed.NodeName(node), "run", "sshd.log"));
}
