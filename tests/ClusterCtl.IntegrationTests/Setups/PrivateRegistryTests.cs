using System.Globalization;
using ClusterCtl.IntegrationTests.Restore;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Setups;

/// <summary>
/// The helper image lives only in a private registry (htpasswd, on each node's loopback) named in
/// <c>private_registries</c>. The nodes pull it with those credentials; the password appears in no output, no
/// <c>--debug</c> or JSON log, no process's command line and no container's spec; a wrong password is refused with the fix and writes nothing.
/// </summary>
[NonParallelizable]
public class PrivateRegistryTests
{
    private const string Registry = "127.0.0.1:5999";
    private const string Image = Registry + "/testbed/busybox:1";
    private const string User = "puller";

    private string _password = null!;

    [OneTimeSetUp]
    public async Task HelperImagesOnlyInAPrivateRegistry()
    {
        await RestoreTestbed.RepairIfUnhealthyAsync();
        await Testbed.RunAsync("registry", "on");
        _password = File.ReadAllText(Path.Combine(Testbed.Directory, "registry", "password")).Trim();
    }

    [OneTimeTearDown]
    public Task StopTheRegistry() => Testbed.RunAsync("registry", "off");

    [Test]
    public async Task A_wrong_password_is_refused_naming_the_registry_and_the_fix_and_nothing_is_written()
    {
        using var config = WithRegistry("not-the-password");
        var files = RestoreTestbed.Nodes.ToDictionary(n => n, TestbedCli.SnapshotFiles);

        var save = await config.RunAsync("etcd", "snapshot-save", "--name", "wrong-password");

        Assert.That(save.ExitCode, Is.EqualTo(ExitCodes.Failed), save.ToString());
        Assert.That(save.StderrLines[^1], Does.Contain($"{Registry} refused {Image} for user {User}").And.Contain("private_registries"));
        Assert.That(save.Stderr, Does.Not.Contain("   at "), "no stack trace without --debug");
        Assert.That(RestoreTestbed.Nodes.ToDictionary(n => n, TestbedCli.SnapshotFiles), Is.EqualTo(files), "no snapshot file was written");
        Assert.That(await RestoreTestbed.HelpersLeftAsync(), Is.Empty);
    }

    [Test]
    public async Task Save_and_restore_pull_the_helper_image_with_the_credentials_and_the_password_shows_nowhere()
    {
        using var config = WithRegistry(_password);
        var logStart = RestoreTestbed.Nodes.ToDictionary(n => n, n => RegistryLog(n).Length);
        foreach (var node in RestoreTestbed.Nodes)
        {
            await Testbed.TryRunAsync("docker", Node(node), "rmi", Image);
        }

        CliResult save;
        List<string> commandLines;
        await using (var saving = ClusterCtlProcess.Start(["etcd", "snapshot-save", "--name", "from-registry", "--config", config.Path, "--known-hosts", Testbed.NewKnownHostsFile(), "--debug", "--log-format", "json"]))
        {
            await saving.WaitForLinesAsync("Pulling image", 1, TimeSpan.FromMinutes(2));
            commandLines = ProcessTable.OtherCommandLines();
            save = await saving.WaitForExitAsync(TimeSpan.FromMinutes(3));
        }

        var restore = await config.RunAsync("etcd", "snapshot-restore", "--name", "from-registry", "--debug");

        Assert.That(save.ExitCode, Is.Zero, save.ToString());
        Assert.That(restore.ExitCode, Is.Zero, restore.ToString());
        foreach (var output in new[] { save.Stdout, save.Stderr, restore.Stdout, restore.Stderr, string.Join('\n', commandLines) })
        {
            Assert.That(output, Does.Not.Contain(_password));
        }

        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That((await Testbed.TryRunAsync("docker", Node(node), "image", "inspect", Image)).ExitCode, Is.Zero, $"node{node} pulled {Image}");
            var pulls = RegistryLog(node)[logStart[node]..].Split('\n')
                .Where(l => l.Contains("authorized request", StringComparison.Ordinal) && l.Contains("/v2/testbed/busybox/manifests/", StringComparison.Ordinal));
            // The registry logs "authorized request" only for a request whose credentials it accepted; puller is its only user.
            Assert.That(pulls, Is.Not.Empty, $"node{node} pulled with {User}'s credentials");
            var containers = (await Testbed.RunAsync("docker", Node(node), "ps", "-aq")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var specs = await Testbed.RunAsync(["docker", Node(node), "inspect", .. containers]);
            Assert.That(specs, Does.Not.Contain(_password), $"node{node}: no container's spec holds the password");
        }
    }

    private static EditedClusterYml WithRegistry(string password) => EditedClusterYml.Write(yaml =>
        yaml.Replace("  alpine: local/busybox:1", $"  alpine: {Image}", StringComparison.Ordinal)
        + $"private_registries:\n- url: {Registry}\n  user: {User}\n  password: \"{password}\"\n");

    private static string RegistryLog(int node) => File.ReadAllText(Path.Combine(Testbed.Directory, "registry", $"node{node}.log"));

    private static string Node(int node) => node.ToString(CultureInfo.InvariantCulture);
}
