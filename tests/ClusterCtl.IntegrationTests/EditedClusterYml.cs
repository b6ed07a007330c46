using ClusterCtl.Config;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests;

/// <summary>
/// The testbed's cluster.yml with one edit (a bastion, a prefix, another user...), in a directory of its own that goes
/// when it is disposed; the set-up tests run clusterctl on it as a user would.
/// </summary>
internal sealed class EditedClusterYml : IDisposable
{
    private readonly string _directory;

    private EditedClusterYml(string directory, string yaml)
    {
        _directory = directory;
        Yaml = yaml;
        Path = System.IO.Path.Combine(directory, "cluster.yml");
        File.WriteAllText(Path, yaml);
    }

    public string Path { get; }

    public string Yaml { get; }

    /// <summary>Applies <paramref name="edit"/> to the testbed's cluster.yml; fails the fixture if the edit changed nothing.</summary>
    public static EditedClusterYml Write(Func<string, string> edit)
    {
        var yaml = File.ReadAllText(Testbed.ClusterYml);
        var edited = edit(yaml);
        Assert.That(edited, Is.Not.EqualTo(yaml), "the testbed's cluster.yml has the shape the edit expects");
        return new EditedClusterYml(Directory.CreateTempSubdirectory("cctl-config-").FullName, edited);
    }

    public ClusterConfig Load() => ClusterConfigLoader.Parse(Yaml, Path);

    /// <summary>clusterctl on this file, trusting each host key on first use (a fresh known_hosts).</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunWithKnownHostsAsync(Testbed.NewKnownHostsFile(), args);

    public Task<CliResult> RunWithKnownHostsAsync(string knownHosts, params string[] args) =>
        ClusterCtlRunner.RunAsync([.. args, "--config", Path, "--known-hosts", knownHosts]);

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
