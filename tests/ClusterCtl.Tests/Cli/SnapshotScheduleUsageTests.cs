using ClusterCtl.Testing;

namespace ClusterCtl.Tests.Cli;

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

    [TestCase("--interval", "5x", "is not a duration")]
    [TestCase("--interval", "500ms", "too short")]
    [TestCase("--shutdown-grace", "soon", "is not a duration")]
    [TestCase("--metrics-listen", "localhost", "give an address and port")]
    public async Task A_bad_flag_value_exits_2_and_says_what_is_wrong(string flag, string value, string expected)
    {
        var config = Path.Combine(Directory.CreateTempSubdirectory("clusterctl-schedule-").FullName, "cluster.yml");
        await File.WriteAllTextAsync(config, "nodes:\n  - address: 10.0.0.1\n    user: root\n    role: [etcd, controlplane, worker]\n");

        var result = await ClusterCtlRunner.RunAsync("etcd", "snapshot-schedule", "--config", config, flag, value);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), result.ToString());
        Assert.That(result.Stderr, Does.Contain(expected));
    }
}
