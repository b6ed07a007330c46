using System.Globalization;
using ClusterCtl.IntegrationTests.Hosts;
using ClusterCtl.IntegrationTests.Restore;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Faults;

/// <summary>
/// Secrets from every place an operator puts them (an inline ssh_key and S3 keys in cluster.yml, S3 keys as flags and
/// in the environment) never show in any output, even with --debug and JSON logs, never reach another process's command
/// line or a container on the nodes, and every file clusterctl writes that holds them or a snapshot is 0600.
/// </summary>
[NonParallelizable]
public class SecretsAndFileModesTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _keyLine = File.ReadAllLines(Testbed.SshKey)[1];
    private string _directory = null!;

    [SetUp]
    public void NewDirectory() => _directory = Directory.CreateTempSubdirectory("cctl-secrets-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task A_save_with_its_ssh_key_and_S3_secret_in_cluster_yml_shows_neither_anywhere_and_writes_every_file_0600()
    {
        var secret = "yml-secret-" + Guid.NewGuid().ToString("N");
        var config = WriteConfig(secret, "secrets-" + Guid.NewGuid().ToString("N")[..8]);
        var name = "secrets-" + Guid.NewGuid().ToString("N")[..6];
        List<string> commandLines, containers;
        IReadOnlyList<(string File, UnixFileMode Mode)> runtimeFiles;
        CliResult result;

        await using (var save = ClusterCtlProcess.Start(["etcd", "snapshot-save", "--name", name, "--config", config, "--known-hosts", Testbed.NewKnownHostsFile(), "--debug", "--log-format", "json"]))
        {
            // Mid-run: the ssh masters, the key copy and the helpers all exist now.
            await save.WaitForLinesAsync("Taking snapshot", 1, TimeSpan.FromMinutes(2));
            commandLines = ProcessTable.OtherCommandLines();
            runtimeFiles = RuntimeFilesOf(save.Id);
            containers = [.. await Task.WhenAll(RestoreTestbed.Nodes.Select(InspectAllContainersAsync))];
            result = await save.WaitForExitAsync(TimeSpan.FromMinutes(3));
        }

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout + result.Stderr, Does.Contain("s3://"), "the S3 keys from cluster.yml were used");
        AssertNoSecretIn(result.Stdout + result.Stderr, secret, "stdout and stderr");
        AssertNoSecretIn(string.Join('\n', commandLines), secret, "another process's command line");
        AssertNoSecretIn(string.Join('\n', containers), secret, "docker inspect on the nodes");
        Assert.That(runtimeFiles.Select(f => f.File), Has.Some.StartsWith("ssh_key-"), "the inline key was written to the runtime directory");
        Assert.That(runtimeFiles.Where(f => f.Mode != OwnerOnly), Is.Empty, "every file in the runtime directory is 0600");
        foreach (var node in RestoreTestbed.Nodes)
        {
            var written = TestbedCli.SnapshotFiles(node).Where(f => Path.GetFileName(f).Contains(name, StringComparison.Ordinal)).ToList();
            Assert.That(written, Has.Count.GreaterThanOrEqualTo(2), $"node{node}: the zip and its checksum");
            Assert.That(written.Where(f => File.GetUnixFileMode(f) != OwnerOnly), Is.Empty, $"node{node}: every file of the snapshot is 0600");
        }
    }

    [Test]
    public async Task S3_secrets_from_flags_and_from_the_environment_never_show_even_with_debug_and_json_logs()
    {
        var flagSecret = "flag-secret-" + Guid.NewGuid().ToString("N");
        var environmentSecret = "env-secret-" + Guid.NewGuid().ToString("N");
        var folder = "secrets-" + Guid.NewGuid().ToString("N")[..8];
        string[] common = ["etcd", "snapshot-list", "--config", Testbed.ClusterYml, "--known-hosts", Testbed.NewKnownHostsFile(), "--debug", "--log-format", "json"];

        var fromFlags = await ClusterCtlRunner.RunAsync([.. common, .. TestbedCli.S3Flags(folder, secret: flagSecret)]);
        var fromEnvironment = await ClusterCtlRunner.RunAsync(
            [.. common, "--s3", "--s3-endpoint", Testbed.Env["TB_S3_ENDPOINT"], "--bucket-name", Testbed.Env["TB_S3_BUCKET"], "--folder", folder],
            new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = Testbed.Env["TB_S3_ACCESS_KEY"], ["AWS_SECRET_ACCESS_KEY"] = environmentSecret });

        Assert.That(fromFlags.ExitCode, Is.Zero, fromFlags.ToString());
        Assert.That(fromEnvironment.ExitCode, Is.Zero, fromEnvironment.ToString());
        AssertNoSecretIn(fromFlags.Stdout + fromFlags.Stderr, flagSecret, "output with the secret as a flag");
        AssertNoSecretIn(fromEnvironment.Stdout + fromEnvironment.Stderr, environmentSecret, "output with the secret in the environment");
    }

    private void AssertNoSecretIn(string text, string secret, string where)
    {
        Assert.That(text, Does.Not.Contain(secret), $"the S3 secret shows in {where}");
        Assert.That(text, Does.Not.Contain(_keyLine), $"the ssh key shows in {where}");
    }

    /// <summary>The testbed's cluster.yml with the key inline on every node and S3 keys in backup_config, as RKE users write them.</summary>
    private string WriteConfig(string secret, string folder)
    {
        var lines = TestbedCli.ClusterYmlWithInlineKeys()
            .Select(l => l == "  etcd: {}"
                ? $"""
                  etcd:
                    backup_config:
                      s3backupconfig:
                        endpoint: {Testbed.Env["TB_S3_ENDPOINT"]}
                        bucket_name: {Testbed.Env["TB_S3_BUCKET"]}
                        folder: {folder}
                        access_key: {Testbed.Env["TB_S3_ACCESS_KEY"]}
                        secret_key: {secret}
                """
                : l);
        var path = Path.Combine(_directory, "cluster.yml");
        File.WriteAllLines(path, lines);
        Assert.That(File.ReadAllText(path), Does.Contain("secret_key: " + secret));
        return path;
    }

    // Its sockets (*.sock) are ssh's to make; the files are clusterctl's.
    private static IReadOnlyList<(string File, UnixFileMode Mode)> RuntimeFilesOf(int pid) =>
        [.. new DirectoryInfo(KilledRunTests.RuntimeDirectoryOf(pid)).EnumerateFiles().Where(f => f.Extension != ".sock").Select(f => (f.Name, f.UnixFileMode))];

    private static async Task<string> InspectAllContainersAsync(int node)
    {
        var ids = (await Testbed.RunAsync("docker", node.ToString(CultureInfo.InvariantCulture), "ps", "-aq")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Helpers come and go while we look: inspect prints those still there and names the rest on stderr.
        return ids.Length == 0 ? "" : (await Testbed.TryRunAsync(["docker", node.ToString(CultureInfo.InvariantCulture), "inspect", .. ids])).Stdout;
    }
}
