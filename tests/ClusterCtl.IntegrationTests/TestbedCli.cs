using System.Text.Json;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests;

/// <summary>clusterctl against the testbed's cluster.yml, with the testbed's s3rver where asked.</summary>
internal static class TestbedCli
{
    public static string[] S3Flags(string folder, string? accessKey = null, string? secret = null) =>
    [
        "--s3", "--s3-endpoint", Testbed.Env["TB_S3_ENDPOINT"], "--bucket-name", Testbed.Env["TB_S3_BUCKET"],
        "--access-key", accessKey ?? Testbed.Env["TB_S3_ACCESS_KEY"], "--secret-key", secret ?? Testbed.Env["TB_S3_SECRET_KEY"], "--folder", folder,
    ];

    public static Task<CliResult> RunAsync(params string[] args) =>
        ClusterCtlRunner.RunAsync([.. args, "--config", Testbed.ClusterYml, "--known-hosts", Testbed.NewKnownHostsFile()]);

    /// <summary>The lines of the testbed's cluster.yml with the SSH key inline on every node (RKE's <c>ssh_key</c> is per node) instead of <c>ssh_key_path</c>.</summary>
    public static IEnumerable<string> ClusterYmlWithInlineKeys()
    {
        var key = File.ReadAllLines(Testbed.SshKey).Select(l => "      " + l).ToList();
        return File.ReadAllLines(Testbed.ClusterYml)
            .Where(l => !l.StartsWith("ssh_key_path:", StringComparison.Ordinal))
            .SelectMany(l => l.StartsWith("  - address:", StringComparison.Ordinal) ? [l, "    ssh_key: |", .. key] : new[] { l });
    }

    public static JsonElement Json(CliResult result)
    {
        using var doc = JsonDocument.Parse(result.Stdout);
        return doc.RootElement.Clone();
    }

    /// <summary>The bytes of a file in node N's snapshot directory, read on the host side of the testbed.</summary>
    public static string SnapshotPath(int node, string fileName) => Path.Combine(Restore.RestoreTestbed.SnapshotDirectory(node), fileName);

    /// <summary>The files in node N's snapshot directory (none when the directory was never created).</summary>
    public static IReadOnlyList<string> SnapshotFiles(int node)
    {
        var directory = Restore.RestoreTestbed.SnapshotDirectory(node);
        return Directory.Exists(directory) ? Directory.GetFiles(directory) : [];
    }

    /// <summary>Helper containers still present on any node: there must be none after a command finished.</summary>
    public static Task<IReadOnlyList<string>> LeftoverHelpersAsync() => Restore.RestoreTestbed.HelpersLeftAsync();
}
