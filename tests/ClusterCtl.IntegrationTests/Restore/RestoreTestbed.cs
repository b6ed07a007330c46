using System.Globalization;
using ClusterCtl.Cluster;
using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Etcd;
using ClusterCtl.Hosts;
using ClusterCtl.Restore;
using Serilog;

namespace ClusterCtl.IntegrationTests.Restore;

/// <summary>What the restore tests look at on the testbed, from the outside: keys per member, start times, data dirs, helpers.</summary>
internal static class RestoreTestbed
{
    public static IEnumerable<int> Nodes => Enumerable.Range(1, Testbed.NodeCount);

    public static string NodeName(int node) => "node" + node.ToString(CultureInfo.InvariantCulture);

    /// <summary>A session over every node of cluster.yml, as the snapshot-restore command opens it.</summary>
    public static Task<ClusterSession> OpenAsync(ClusterConfig config) =>
        ClusterSession.OpenAsync(config, config.Nodes, new SessionOptions { KnownHostsFile = Testbed.NewKnownHostsFile() }, TestbedSession.Logger, CancellationToken.None);

    /// <summary>A snapshot saved as snapshot-save saves it, on every etcd node, named after the session's run.</summary>
    public static async Task<string> SaveAsync(ClusterConfig config, ClusterSession session)
    {
        var name = "test-" + session.RunId;
        await new SnapshotSaver(config, TestbedSession.Logger).SaveAsync(session, name, s3: null, overwrite: false, progress: null, CancellationToken.None);
        return name;
    }

    /// <summary>The restore as snapshot-restore runs it, on a session the test opened (its run id names what the faults break).</summary>
    public static Task<RestoreReport> RestoreAsync(ClusterConfig config, ClusterSession session, string snapshot, RestoreOptions options, ILogger logger, CancellationToken cancellationToken) =>
        new SnapshotRestore(config, logger).RunAsync(session, s3: null, snapshot, options, progress: null, cancellationToken);

    /// <summary>The revision node N's own member reports now.</summary>
    public static async Task<long> RevisionAsync(int node)
    {
        var json = await Testbed.RunAsync("etcdctl", node.ToString(CultureInfo.InvariantCulture), "endpoint", "status", "-w", "json");
        return EtcdctlJson.ParseEndpointStatus("testbed", json).Single().Revision;
    }

    public static Task PutAsync(string key, string value) => Testbed.RunAsync("etcdctl", "1", "put", key, value);

    /// <summary>Keys under <paramref name="prefix"/> with random values (9,000 bytes, base64): they barely compress, so each adds about 9 KB to a snapshot's zip.</summary>
    public static async Task PutIncompressibleAsync(string prefix, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await PutAsync($"{prefix}/k{i}", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(9000)));
        }
    }

    /// <summary>The value of a key as this member's own store has it (serializable read, no leader round trip); "" when absent.</summary>
    public static async Task<string> GetLocalAsync(int node, string key) =>
        (await Testbed.RunAsync("etcdctl", node.ToString(CultureInfo.InvariantCulture), "get", "--consistency=s", "--print-value-only", key)).Trim();

    public static async Task<DateTimeOffset> StartedAtAsync(int node, string container) =>
        DateTimeOffset.Parse((await Testbed.RunAsync("docker", node.ToString(CultureInfo.InvariantCulture), "inspect", "-f", "{{.State.StartedAt}}", container)).Trim(), CultureInfo.InvariantCulture);

    public static async Task<string> ContainerIdAsync(int node, string container) =>
        (await Testbed.RunAsync("docker", node.ToString(CultureInfo.InvariantCulture), "inspect", "-f", "{{.Id}}", container)).Trim();

    public static async Task<IReadOnlyList<string>> ContainerNamesAsync(int node, bool all = true) =>
        (await Testbed.RunAsync(["docker", node.ToString(CultureInfo.InvariantCulture), "ps", .. all ? new[] { "-a" } : [], "--format", "{{.Names}}"]))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Helper containers (any run) still on any node, or on the nodes given (a replacement node is not among <see cref="Nodes"/>).</summary>
    public static async Task<IReadOnlyList<string>> HelpersLeftAsync(IEnumerable<int>? nodes = null)
    {
        var left = new List<string>();
        foreach (var node in nodes ?? Nodes)
        {
            var names = await Testbed.RunAsync("docker", node.ToString(CultureInfo.InvariantCulture), "ps", "-a", "--filter", "label=" + HelperLabels.Helper, "--format", "{{.Names}}");
            left.AddRange(names.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(n => $"{NodeName(node)}: {n.Trim()}"));
        }

        return left;
    }

    /// <summary>
    /// What the node's Docker daemon did since <paramref name="since"/> to helpers made for <paramref name="purpose"/>,
    /// as "action" lines (create, start, archive-path, destroy, ...): helpers are gone when a run ends, their events stay.
    /// </summary>
    public static async Task<IReadOnlyList<string>> HelperEventsAsync(int node, string purpose, DateTimeOffset since) =>
        (await Testbed.RunAsync("docker", node.ToString(CultureInfo.InvariantCulture), "events",
            "--since", since.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            "--until", DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            "--filter", "type=container", "--filter", $"label={HelperLabels.Purpose}={purpose}", "--format", "{{.Action}}"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The node's /var/lib/etcd as the host sees it (the testbed binds this directory there).</summary>
    public static string DataDirectory(int node) => Path.Combine(Testbed.Directory, "nodes", NodeName(node), "etcd");

    public static string SnapshotDirectory(int node) => Path.Combine(Testbed.Directory, "nodes", NodeName(node), "opt-rke", "etcd-snapshots");

    /// <summary>
    /// Every path under the data dir with its size and time, to prove that nothing was written; the live member's
    /// own files are left out (the running etcd writes them), the member directory itself is in.
    /// </summary>
    public static IReadOnlyList<string> DataDirectoryListing(int node) =>
        new DirectoryInfo(DataDirectory(node)).EnumerateFileSystemInfos("*", SearchOption.AllDirectories)
            .Select(f => (Path: Path.GetRelativePath(DataDirectory(node), f.FullName), Info: f))
            .Where(f => !f.Path.StartsWith("member/", StringComparison.Ordinal))
            .Select(f => f.Path == "member" ? "member" : $"{f.Path} {(f.Info is FileInfo file ? file.Length : -1)} {f.Info.LastWriteTimeUtc:O}")
            .Order(StringComparer.Ordinal)
            .ToList();

    public static IReadOnlyList<string> TopLevelEntries(int node) =>
        Directory.EnumerateFileSystemEntries(DataDirectory(node)).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();

    public static async Task<int> LeadersAsync()
    {
        var leaders = 0;
        foreach (var node in Nodes)
        {
            var json = await Testbed.RunAsync("etcdctl", node.ToString(CultureInfo.InvariantCulture), "endpoint", "status", "-w", "json");
            leaders += ClusterCtl.Etcd.EtcdctlJson.ParseEndpointStatus("testbed", json).Count(s => s.IsLeader);
        }

        return leaders;
    }

    /// <summary>testbed.sh status exits 0 only when every node is up and etcd is healthy with all members started.</summary>
    public static async Task<bool> HealthyAsync() => (await Testbed.TryRunAsync("status")).ExitCode == 0;

    /// <summary>
    /// For fixtures that need a healthy cluster but not fresh data: a reset (about 15 s) only when the testbed is not
    /// healthy. Fixtures that change its shape take the change back in their own teardown.
    /// </summary>
    public static async Task RepairIfUnhealthyAsync()
    {
        if (!await HealthyAsync())
        {
            await Testbed.RunAsync("reset");
        }
    }

    /// <summary>
    /// What an operator does to change how etcd runs: stop it on every node, change each node (<paramref name="whileStopped"/>:
    /// move data, lay out paths), then run etcd as RKE would from the changed cluster.yml, and wait until it is healthy.
    /// </summary>
    public static async Task RecreateEtcdAsync(ClusterConfig config, Func<int, Task> whileStopped)
    {
        foreach (var node in Nodes)
        {
            await Testbed.RunAsync("docker", node.ToString(CultureInfo.InvariantCulture), "rm", "-f", EtcdContainerSpec.ContainerName);
            await whileStopped(node);
        }

        await using (var session = await OpenAsync(config))
        {
            foreach (var node in session.Nodes)
            {
                var id = await node.Docker.CreateContainerAsync(EtcdContainerSpec.ContainerName, EtcdContainerSpec.For(config, node.Node).ToContainerSpec(), CancellationToken.None);
                await node.Docker.StartContainerAsync(id, CancellationToken.None);
            }
        }

        for (var attempt = 0; !await HealthyAsync(); attempt++)
        {
            Assert.That(attempt, Is.LessThan(60), "etcd became healthy as the changed cluster.yml runs it");
            await Task.Delay(1000);
        }
    }
}
