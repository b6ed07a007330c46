using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Cli;

/// <summary>Bad input, seen from outside: exit 2, one line that says where and what, and no stack trace.</summary>
public class InvalidInputExitCodeTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("clusterctl-cli-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_directory, recursive: true);

    public static IEnumerable<TestCaseData> InvalidConfigs => InvalidConfigCases.All.Select(c =>
        new TestCaseData(c.Yaml, c.ExpectedLine, c.ExpectedText).SetName("clusterctl exits 2 for " + c.Name));

    [TestCaseSource(nameof(InvalidConfigs))]
    public async Task Clusterctl_exits_2_with_one_line_for_an_invalid_config(string yaml, int? expectedLine, string expectedText)
    {
        var config = Path.Combine(_directory, "cluster.yml");
        await File.WriteAllTextAsync(config, yaml);

        var result = await ClusterCtlRunner.RunAsync("etcd", "status", "--config", config);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), result.ToString());
            Assert.That(result.StderrLines, Has.Count.EqualTo(1), result.ToString());
            Assert.That(result.Stderr, Does.Contain(expectedText));
            Assert.That(result.Stderr, Does.Not.Contain(" at ClusterCtl"), "no stack trace without --debug");
            if (expectedLine is { } line)
            {
                Assert.That(result.Stderr, Does.Contain($"{config}:{line}:"));
            }
        });
    }

    [Test]
    public async Task A_missing_config_file_is_named_with_the_fix()
    {
        var result = await ClusterCtlRunner.RunAsync("etcd", "status", "--config", Path.Combine(_directory, "absent.yml"));

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(result.Stderr, Does.Contain("absent.yml not found; pass --config"));
    }

    [Test]
    public async Task The_config_path_comes_from_RKE_CONFIG_when_no_flag_is_given()
    {
        var config = Path.Combine(_directory, "from-env.yml");
        await File.WriteAllTextAsync(config, "nodes: []\n");

        var result = await ClusterCtlRunner.RunAsync(["etcd", "status"], new Dictionary<string, string> { ["RKE_CONFIG"] = config });

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(result.Stderr, Does.Contain("from-env.yml:1:8: no nodes are defined"));
    }

    [Test]
    public async Task An_unknown_flag_is_bad_usage()
    {
        var result = await ClusterCtlRunner.RunAsync("etcd", "status", "--no-such-flag");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(result.StderrLines, Has.Count.EqualTo(1));
        Assert.That(result.Stderr, Does.Contain("--no-such-flag"));
    }

    [TestCase("etcd snapshot-prune --retention 0", "The field --retention must be between 1 and 100000; run 'snapshot-prune --help' for usage")]
    [TestCase("etcd snapshot-restore --name x --health-timeout soon", "'soon' is not a valid number; run 'snapshot-restore --help' for usage")]
    [TestCase("etcd snapshot-restore", "The --name field is required; run 'snapshot-restore --help' for usage")]
    [TestCase("etcd status --output xml", "Invalid value 'xml'. Allowed values are: table, json")]
    [TestCase("--log-format yaml etcd status", "Invalid value 'yaml'. Allowed values are: text, json")]
    [TestCase("etcd cleanup --keep-pre-restore -1", "The field --keep-pre-restore must be between 0 and")]
    public async Task A_bad_flag_value_is_bad_usage_in_one_line(string commandLine, string expected)
    {
        var result = await ClusterCtlRunner.RunAsync([.. commandLine.Split(' '), "--config", Path.Combine(_directory, "absent.yml")]);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), result.ToString());
            Assert.That(result.StderrLines, Has.Count.EqualTo(1), result.ToString());
            Assert.That(result.Stderr, Does.StartWith("clusterctl: ").And.Contain(expected));
        });
    }

    [Test]
    public async Task Debug_adds_the_stack_trace()
    {
        var config = Path.Combine(_directory, "cluster.yml");
        await File.WriteAllTextAsync(config, "nodes: []\n");

        var result = await ClusterCtlRunner.RunAsync("--debug", "etcd", "status", "--config", config);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(result.Stderr, Does.Contain(" at ClusterCtl"));
    }

    [Test]
    public async Task Version_prints_the_version_and_succeeds()
    {
        var result = await ClusterCtlRunner.RunAsync("version");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That(result.Stdout, Does.Match(@"^clusterctl \d+\.\d+\.\d+"));
    }
}
