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
        await SetupOutline.RunAndCheckAsync(args => _config.RunAsync(args), "as-rancher");

        foreach (var node in RestoreTestbed.Nodes)
        {
            var logins = Regex.Matches(SshdLog(node)[logStart[node]..], @"Accepted publickey for (\S+)").Select(m => m.Groups[1].Value).ToList();
            Assert.That(logins, Is.Not.Empty.And.All.EqualTo("rancher"), $"node{node}: every SSH login was rancher's");
        }
    }

    private static string SshdLog(int node) => File.ReadAllText(Path.Combine(Testbed.Directory, "nodes", RestoreTestbed.NodeName(node), "run", "sshd.log"));
}
