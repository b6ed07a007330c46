using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Cli;

/// <summary>snapshot-schedule's flags, seen from outside, before it touches any cluster.</summary>
public class SnapshotScheduleUsageTests
{
    [Test]
    public async Task Help_lists_the_schedule_flags_and_the_S3_flags()
    {
        var result = await ClusterCtlRunner.RunAsync("etcd", "snapshot-schedule", "--help");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Does.Contain("--interval").And.Contain("--retention").And.Contain("--metrics-listen")
            .And.Contain("--shutdown-grace").And.Contain("--s3-endpoint"));
    }

    [Test]
    public async Task A_metrics_port_in_use_exits_1_before_any_host_is_contacted()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var result = await ClusterCtlRunner.RunAsync("etcd", "snapshot-schedule", "--config", await WriteConfigAsync(), "--metrics-listen", $"127.0.0.1:{port}");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.Stderr, Does.Contain($"cannot listen on http://127.0.0.1:{port}/"));
        Assert.That(result.Stderr, Does.Not.Contain("Connecting"));
    }

    [TestCase("--interval", "5x", "is not a duration")]
    [TestCase("--interval", "500ms", "too short")]
    [TestCase("--shutdown-grace", "soon", "is not a duration")]
    [TestCase("--metrics-listen", "localhost", "give an address and port")]
    public async Task A_bad_flag_value_exits_2_and_says_what_is_wrong(string flag, string value, string expected)
    {
        var result = await ClusterCtlRunner.RunAsync("etcd", "snapshot-schedule", "--config", await WriteConfigAsync(), flag, value);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), result.ToString());
        Assert.That(result.Stderr, Does.Contain(expected));
    }

    // A node that is never contacted: every case here must fail before any connection.
    private static async Task<string> WriteConfigAsync()
    {
        var config = Path.Combine(Directory.CreateTempSubdirectory("clusterctl-schedule-").FullName, "cluster.yml");
        await File.WriteAllTextAsync(config, "nodes:\n  - address: 10.0.0.1\n    user: root\n    role: [etcd, controlplane, worker]\n");
        return config;
    }
}
