using System.Text.Json;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Cli;

/// <summary><c>clusterctl config check</c>: cluster.yml read and shown offline, without a secret and without SSH.</summary>
public class ConfigCheckCommandTests
{
    private const string Secret = "wJalrXUtnFEMI-not-for-print";
    private const string RegistryPassword = "registry-pass-not-for-print";

    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("clusterctl-config-check-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task The_testbeds_cluster_yml_checks_and_names_every_etcd_member()
    {
        var result = await ClusterCtlRunner.RunAsync("config", "check", "--config", Testbed.ClusterYml, "--output", "json");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var nodes = json.RootElement.GetProperty("etcdNodes").EnumerateArray().ToList();
        Assert.That(nodes.Select(n => n.GetProperty("address").GetString()), Is.EquivalentTo(Enumerable.Range(1, Testbed.NodeCount).Select(Testbed.NodeAddress)));
        Assert.That(nodes.Select(n => n.GetProperty("memberName").GetString()), Has.All.StartWith("etcd-"));
        Assert.That(json.RootElement.GetProperty("snapshotDirectory").GetString(), Does.EndWith("/opt/rke/etcd-snapshots"));
    }

    [Test]
    public async Task It_shows_the_s3_target_and_registries_but_never_a_secret_and_contacts_no_host()
    {
        var config = await WriteAsync($$"""
            cluster_name: ci
            nodes:
              - address: 203.0.113.11
                hostname_override: cp-1
                user: rke
                role: [controlplane, etcd]
            private_registries:
              - url: registry.example.com
                user: puller
                password: {{RegistryPassword}}
            services:
              etcd:
                backup_config:
                  retention: 3
                  s3backupconfig:
                    bucket_name: etcd-backups
                    endpoint: minio.example.com
                    folder: ci
                    access_key: AKIAEXAMPLE
                    secret_key: {{Secret}}
            """);

        foreach (var output in new[] { "table", "json" })
        {
            var result = await ClusterCtlRunner.RunAsync("config", "check", "--config", config, "--output", output);

            Assert.Multiple(() =>
            {
                Assert.That(result.ExitCode, Is.Zero, result.ToString());
                Assert.That(result.Stdout, Does.Contain("etcd-backups").And.Contain("etcd-cp-1").And.Contain("registry.example.com"));
                Assert.That(result.Stdout + result.Stderr, Does.Not.Contain(Secret).And.Not.Contain(RegistryPassword).And.Not.Contain("AKIAEXAMPLE"));
                // 203.0.113.0/24 is reachable by nobody: a connection attempt would show up as an error or a delay, here as a log line.
                Assert.That(result.Stderr, Does.Not.Contain("203.0.113.11"), "no host is contacted");
            });
        }
    }

    [Test]
    public async Task An_invalid_file_exits_2_with_the_same_one_line_error_as_every_command()
    {
        var config = await WriteAsync("nodes:\n  - address: 10.0.0.1\n    user: rke\n    role: [etcd]\n    port: not-a-port\n");

        var check = await ClusterCtlRunner.RunAsync("config", "check", "--config", config);
        var status = await ClusterCtlRunner.RunAsync("etcd", "status", "--config", config);

        Assert.That(check.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), check.ToString());
        Assert.That(check.StderrLines, Has.Count.EqualTo(1));
        Assert.That(check.Stderr, Is.EqualTo(status.Stderr));
    }

    [Test]
    public async Task A_data_dir_a_restore_would_refuse_is_a_warning_not_a_failure()
    {
        var config = await WriteAsync("""
            nodes:
              - address: 10.0.0.1
                user: rke
                role: [etcd]
            services:
              etcd:
                extra_args:
                  wal-dir: /var/lib/etcd-wal
            """);

        var result = await ClusterCtlRunner.RunAsync("config", "check", "--config", config);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain("wal-dir"));
        Assert.That(result.Stdout, Does.Contain("a restore would be refused"));
    }

    private async Task<string> WriteAsync(string yaml)
    {
        var path = Path.Combine(_directory, "cluster.yml");
        await File.WriteAllTextAsync(path, yaml);
        return path;
    }
}
