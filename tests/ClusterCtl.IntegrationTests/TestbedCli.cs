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
