using System.Globalization;
using ClusterCtl.Hosts;
using ClusterCtl.IntegrationTests.Restore;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Hosts;

/// <summary>
/// kill -9 of clusterctl in the middle of a save and of a restore (before the point of no return): its ssh masters
/// die with it, and the next run removes its runtime directory (with the inline key copy), takes its lock over,
/// removes its helpers on the nodes and succeeds.
/// </summary>
[NonParallelizable]
public class KilledRunTests
{
    private const int SigKill = 9;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private string _configDirectory = null!;
    private string _config = null!;

    [OneTimeSetUp]
    public Task Reset() => Testbed.RunAsync("reset");

    /// <summary>The testbed's cluster.yml with the key inline, so the run writes a key copy into its runtime directory.</summary>
    [SetUp]
    public void WriteConfigWithInlineKey()
    {
        _configDirectory = Directory.CreateTempSubdirectory("cctl-killed-").FullName;
        _config = Path.Combine(_configDirectory, "cluster.yml");
        File.WriteAllLines(_config, TestbedCli.ClusterYmlWithInlineKeys());
    }

    [TearDown]
    public void RemoveConfig() => Directory.Delete(_configDirectory, recursive: true);

    [Test]
    public Task Kill_9_mid_save_leaves_no_ssh_or_key_copy_and_the_next_save_takes_over_and_succeeds() =>
        KillAndRecoverAsync(["etcd", "snapshot-save", "--name", "killed-" + Guid.NewGuid().ToString("N")[..6]], killWhen: "Taking snapshot");

    [Test]
    public async Task Kill_9_mid_restore_leaves_no_ssh_or_key_copy_and_the_next_restore_takes_over_and_succeeds()
    {
        var name = "before-kill-" + Guid.NewGuid().ToString("N")[..6];
        var saved = await Run(["etcd", "snapshot-save", "--name", name]);
        Assert.That(saved.ExitCode, Is.Zero, saved.ToString());

        // The snapshot restore runs before the point of no return, in helpers that the kill leaves behind.
        await KillAndRecoverAsync(["etcd", "snapshot-restore", "--name", name], killWhen: "snapshot restore into");
        Assert.That(await RestoreTestbed.HealthyAsync(), Is.True);
    }

    private async Task KillAndRecoverAsync(string[] command, string killWhen)
    {
        string runtimeDirectory;
        await using (var killed = ClusterCtlProcess.Start([.. command, "--config", _config, "--known-hosts", Testbed.NewKnownHostsFile()]))
        {
            await killed.WaitForLinesAsync(killWhen, 1, Patience);
            runtimeDirectory = RuntimeDirectoryOf(killed.Id);
            Assert.That(SshProcessesUsing(runtimeDirectory), Is.Not.Empty, "the run's ssh masters are up before the kill");
            killed.Signal(SigKill);
            await killed.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        // The kernel delivers the parent-death signal as clusterctl goes; give the masters a moment to die.
        for (var i = 0; i < 50 && SshProcessesUsing(runtimeDirectory).Count > 0; i++)
        {
            await Task.Delay(100);
        }

        Assert.That(SshProcessesUsing(runtimeDirectory), Is.Empty, "no ssh master outlives a killed clusterctl");
        Assert.That(Directory.GetFiles(runtimeDirectory).Select(Path.GetFileName), Has.Some.StartsWith("ssh_key-"), "the key copy is still there until the next run");
        Assert.That(await LockHeldAsync(), Is.True, "the killed run left its lock");

        var next = await Run(command);

        Assert.That(next.ExitCode, Is.Zero, next.ToString());
        Assert.That(next.Stderr, Does.Contain("Taking over the lock"));
        Assert.That(Directory.Exists(runtimeDirectory), Is.False, "the next run removed the runtime directory and the key copy in it");
        Assert.That(await RestoreTestbed.HelpersLeftAsync(), Is.Empty, "the killed run's helpers were removed");
        Assert.That(await LockHeldAsync(), Is.False);
    }

    private Task<CliResult> Run(string[] command) =>
        ClusterCtlRunner.RunAsync([.. command, "--config", _config, "--known-hosts", Testbed.NewKnownHostsFile()], timeout: Patience);

    /// <summary>The runtime directory whose owner file names <paramref name="pid"/>, where clusterctl makes them.</summary>
    internal static string RuntimeDirectoryOf(int pid)
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        var parent = !string.IsNullOrEmpty(xdg) && Directory.Exists(xdg) ? xdg : "/tmp";
        var ownerLine = $"{RunOwner.PidLabel}={pid.ToString(CultureInfo.InvariantCulture)}";
        return Directory.GetDirectories(parent, "clusterctl-*")
            .Single(d => File.Exists(Path.Combine(d, SshRuntimeDirectory.OwnerFileName)) && File.ReadAllLines(Path.Combine(d, SshRuntimeDirectory.OwnerFileName)).Contains(ownerLine));
    }

    /// <summary>The pids of live processes whose command line names <paramref name="directory"/> (the masters' control sockets are in it).</summary>
    private static List<int> SshProcessesUsing(string directory)
    {
        var pids = new List<int>();
        foreach (var proc in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(proc, "cmdline")).Replace('\0', ' ');
                var state = File.ReadAllText(Path.Combine(proc, "stat")).Split(')').Last().TrimStart();
                if (commandLine.Contains(directory + "/", StringComparison.Ordinal) && !state.StartsWith('Z'))
                {
                    pids.Add(pid);
                }
            }
            catch (IOException)
            {
                // Gone while we looked.
            }
        }

        return pids;
    }

    private static async Task<bool> LockHeldAsync()
    {
        foreach (var node in RestoreTestbed.Nodes)
        {
            var (exitCode, _, _) = await Testbed.TryRunAsync("docker", node.ToString(CultureInfo.InvariantCulture), "inspect", ClusterLock.ContainerName);
            if (exitCode == 0)
            {
                return true;
            }
        }

        return false;
    }
}
