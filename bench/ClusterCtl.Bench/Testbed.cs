namespace ClusterCtl.Bench;

/// <summary>
/// The local testbed (tests/testbed), as the harness uses it: its script, its testbed.env, and the host-side
/// directories that are bound into each node, so that clean-up between runs needs no ssh and no container.
/// </summary>
internal sealed class Testbed(string repositoryRoot)
{
    private Dictionary<string, string> _env = [];

    public string Script { get; } = Path.Combine(repositoryRoot, "tests", "testbed", "testbed.sh");

    public string Directory { get; } = Environment.GetEnvironmentVariable("CLUSTERCTL_TESTBED_DIR") is { Length: > 0 } dir
        ? dir
        : Environment.GetEnvironmentVariable("CLUSTERCTL_TESTBED_ID") is { Length: > 0 } id && id != "0"
            ? $"/var/lib/clusterctl-testbed-{id}"
            : "/var/lib/clusterctl-testbed";

    public string EnvFile => Path.Combine(Directory, "testbed.env");

    public string ClusterYml => this["TB_CLUSTER_YML"];

    public string KnownHosts => Path.Combine(Directory, "bench-known_hosts");

    public int NodeCount => int.Parse(this["TB_NODES"], System.Globalization.CultureInfo.InvariantCulture);

    public string this[string key] => _env.TryGetValue(key, out var value) ? value : throw new InvalidOperationException($"{EnvFile} has no {key}");

    public IReadOnlyDictionary<string, string> Env => _env;

    public string NodeAddress(int node) => this[$"TB_NODE{node}_ADDR"];

    public string SnapshotDirectory(int node) => Path.Combine(Directory, "nodes", $"node{node}", "opt-rke", "etcd-snapshots");

    public string DataDirectory(int node) => Path.Combine(Directory, "nodes", $"node{node}", "etcd");

    /// <summary>
    /// A fresh cluster of the given version with empty data: every size starts from the same place. A db that may grow
    /// past etcd's default backend quota (2 GiB) gets a quota of twice the largest size.
    /// </summary>
    public async Task ResetAsync(string etcdVersion, DbSize largest, CancellationToken cancellationToken)
    {
        string[] quota = largest.Bytes >= 3L << 29 ? ["--quota-backend-bytes", (2 * largest.Bytes).ToString(System.Globalization.CultureInfo.InvariantCulture)] : [];
        var up = await Shell.RunAsync(Script, ["up", "--nodes", "3", "--etcd", etcdVersion, .. quota], cancellationToken: cancellationToken);
        up.EnsureSucceeded("testbed up");
        var reset = await Shell.RunAsync(Script, ["reset", "--etcd", etcdVersion], cancellationToken: cancellationToken);
        reset.EnsureSucceeded("testbed reset");
        Reload();
        if (this["TB_ETCD"] != etcdVersion || NodeCount != 3)
        {
            throw new InvalidOperationException($"the testbed came up with {NodeCount} nodes and etcd {this["TB_ETCD"]}, not 3 nodes and {etcdVersion}");
        }

        File.Delete(KnownHosts);
    }

    public void Reload() =>
        _env = File.ReadAllLines(EnvFile)
            .Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);

    /// <summary>Removes files matching a pattern from every node's snapshot directory (not timed).</summary>
    public void RemoveSnapshotFiles(string pattern)
    {
        for (var node = 1; node <= NodeCount; node++)
        {
            var directory = SnapshotDirectory(node);
            if (System.IO.Directory.Exists(directory))
            {
                foreach (var file in System.IO.Directory.EnumerateFiles(directory, pattern).Concat(System.IO.Directory.EnumerateFiles(directory, "." + pattern)))
                {
                    File.Delete(file);
                }
            }
        }
    }

    /// <summary>Sets the CPU quotas and the operator link's shaping.</summary>
    public async Task ApplyAsync(HostProfile profile, CancellationToken cancellationToken)
    {
        foreach (var command in profile.TestbedCommands())
        {
            (await Shell.RunAsync(Script, command, cancellationToken: cancellationToken)).EnsureSucceeded("testbed.sh " + string.Join(' ', command));
        }
    }

    /// <summary>
    /// Removes the member directories a restore kept aside (clusterctl's pre-restore-*, the manual restores'
    /// bench-old-*) and the manual restores' unzipped snapshots.
    /// </summary>
    public void RemoveKeptDataDirectories()
    {
        for (var node = 1; node <= NodeCount; node++)
        {
            foreach (var unzipped in System.IO.Directory.EnumerateDirectories(SnapshotDirectory(node), "bench-manual-*"))
            {
                System.IO.Directory.Delete(unzipped, recursive: true);
            }
        }

        for (var node = 1; node <= NodeCount; node++)
        {
            foreach (var kept in System.IO.Directory.EnumerateDirectories(DataDirectory(node))
                .Where(d => Path.GetFileName(d) is var name && (name.StartsWith("pre-restore-", StringComparison.Ordinal) || name.StartsWith("bench-", StringComparison.Ordinal))))
            {
                System.IO.Directory.Delete(kept, recursive: true);
            }
        }
    }
}
