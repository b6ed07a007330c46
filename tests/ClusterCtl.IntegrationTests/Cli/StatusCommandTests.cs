using System.Text.Json;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Cli;

/// <summary><c>clusterctl etcd status</c> run as a user would, against the testbed's real 3-member TLS etcd.</summary>
[NonParallelizable]
public class StatusCommandTests
{
    private static Task<CliResult> StatusAsync(params string[] extra) =>
        ClusterCtlRunner.RunAsync(["etcd", "status", "--config", Testbed.ClusterYml, "--known-hosts", Testbed.NewKnownHostsFile(), .. extra]);

    [Test]
    public async Task Status_shows_three_healthy_members_and_one_leader()
    {
        var result = await StatusAsync();

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
        var rows = result.Stdout.Split('\n').Where(l => Enumerable.Range(1, Testbed.NodeCount).Any(n => l.Contains(Testbed.NodeAddress(n) + " ", StringComparison.Ordinal))).ToList();
        Assert.That(rows, Has.Count.EqualTo(3), result.Stdout);
        Assert.That(rows, Has.All.Contains("healthy").And.All.Contains("running"));
        Assert.That(rows.Count(r => r.Contains(" * ", StringComparison.Ordinal)), Is.EqualTo(1), "exactly one leader is marked");
    }

    [Test]
    public async Task Status_as_json_parses_and_names_every_member()
    {
        var result = await StatusAsync("--output", "json");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var members = json.RootElement.EnumerateArray().ToList();
        Assert.That(members, Has.Count.EqualTo(3));
        Assert.That(members.Select(m => m.GetProperty("memberName").GetString()), Is.EquivalentTo(new[] { "etcd-node1", "etcd-node2", "etcd-node3" }));
        Assert.That(members.Count(m => m.GetProperty("isLeader").GetBoolean()), Is.EqualTo(1));
        Assert.That(members, Has.All.Matches<JsonElement>(m => m.GetProperty("healthy").GetBoolean() && m.GetProperty("revision").GetInt64() >= 1));
        Assert.That(members, Has.All.Matches<JsonElement>(m => m.GetProperty("version").GetString()!.StartsWith("3.", StringComparison.Ordinal)));
        Assert.That(members, Has.All.Matches<JsonElement>(m => m.GetProperty("freeSnapshotDiskBytes").GetInt64() > 0));
    }

    [Test]
    public async Task Status_exits_1_and_names_the_node_whose_sshd_is_stopped()
    {
        await Testbed.RunAsync("stop-sshd", "2");
        try
        {
            var result = await StatusAsync();

            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
            Assert.That(result.Stderr, Does.Contain(Testbed.NodeAddress(2)).And.Contain("refused"));
            Assert.That(result.Stdout, Does.Contain("unreachable"));
            Assert.That(result.Stderr, Does.Not.Contain(" at ClusterCtl"));
        }
        finally
        {
            await Testbed.RunAsync("start-sshd", "2");
        }
    }

    [Test]
    public async Task Status_reports_a_member_whose_etcd_container_is_stopped()
    {
        await Testbed.RunAsync("docker", "3", "stop", "etcd");
        try
        {
            var result = await StatusAsync("--output", "json");

            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
            using var json = JsonDocument.Parse(result.Stdout);
            var node3 = json.RootElement.EnumerateArray().Single(m => m.GetProperty("node").GetString() == Testbed.NodeAddress(3));
            Assert.That(node3.GetProperty("healthy").GetBoolean(), Is.False);
            Assert.That(node3.GetProperty("container").GetString(), Is.EqualTo("exited"));
            Assert.That(result.Stderr, Does.Contain(Testbed.NodeAddress(3)));
        }
        finally
        {
            await Testbed.RunAsync("docker", "3", "start", "etcd");
        }
    }
}
