using System.Security.Cryptography;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Snapshots;

/// <summary>What the snapshot-save tests share: a fresh S3 folder per test, and no helper container left after it.</summary>
[NonParallelizable]
public abstract class SnapshotSaveFixture(string etcdVersion) : EtcdVersionFixture(etcdVersion)
{
    protected string Folder { get; private set; } = null!;

    [SetUp]
    public void NewS3Folder() => Folder = "save-" + Guid.NewGuid().ToString("N")[..8];

    [TearDown]
    public async Task NoHelperIsLeftBehind() => Assert.That(await TestbedCli.LeftoverHelpersAsync(), Is.Empty);

    /// <summary>The SHA-256 of the snapshot's zip on every node and of its S3 object ("-" where there is none).</summary>
    protected async Task<string> StateAsync(string name)
    {
        var paths = Enumerable.Range(1, Testbed.NodeCount).Select(n => TestbedCli.SnapshotPath(n, name + ".zip"))
            .Append(Path.Combine(Testbed.Directory, "s3", Testbed.Env["TB_S3_BUCKET"], Folder, name + ".zip._S3rver_object"));
        var hashes = new List<string>();
        foreach (var path in paths)
        {
            hashes.Add(File.Exists(path) ? Sha256(await File.ReadAllBytesAsync(path)) : "-");
        }

        return string.Join(' ', hashes);
    }

    protected string Name(string what) => $"t{EtcdVersion.Replace(".", "", StringComparison.Ordinal)}-{what}-{Guid.NewGuid().ToString("N")[..6]}";

    protected static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}

