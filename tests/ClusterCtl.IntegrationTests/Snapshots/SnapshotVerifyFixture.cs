using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClusterCtl.IntegrationTests.Restore;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Snapshots;

/// <summary>
/// What the snapshot-verify tests share: a fresh resource to write keys under, and the proof after each test that no
/// helper and no scratch directory was left behind. Tests also check that the live cluster did not notice a drill:
/// same etcd start times, same data dirs, same revision.
/// </summary>
[NonParallelizable]
public abstract class SnapshotVerifyFixture(string etcdVersion) : EtcdVersionFixture(etcdVersion)
{
    protected string Resource { get; private set; } = null!;
    protected ClusterState Before { get; set; } = null!;

    [SetUp]
    public void NewResource() => Resource = "drill" + Guid.NewGuid().ToString("N")[..6];

    [TearDown]
    public async Task NothingIsLeftBehind()
    {
        Assert.That(await TestbedCli.LeftoverHelpersAsync(), Is.Empty, "helper containers");
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(Directory.GetDirectories(RestoreTestbed.SnapshotDirectory(node), ".verify-*"), Is.Empty, $"node{node}: scratch directories");
        }
    }

    /// <summary>
    /// A snapshot whose db is intact but of another moment: the db of a save taken after <paramref name="keysAfter"/> more
    /// keys, under a manifest whose size and hash fit that db but whose revision, hash and counts are the earlier save's.
    /// </summary>
    protected async Task<string> ForgeOnNode1Async(int keysBefore, int keysAfter)
    {
        await PutKeysAsync(keysBefore);
        var original = Name("orig");
        Assert.That((await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", original)).ExitCode, Is.Zero);
        await PutKeysAsync(keysAfter, from: keysBefore);
        var later = Name("later");
        Assert.That((await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", later)).ExitCode, Is.Zero);

        var forged = Name("forged");
        var manifest = ManifestOf(1, original);
        var laterManifest = ManifestOf(1, later);
        manifest["name"] = forged;
        manifest["dbSize"] = laterManifest["dbSize"]!.GetValue<long>();
        manifest["dbSha256"] = laterManifest["dbSha256"]!.GetValue<string>();
        WriteZip(1, forged, DbOf(1, later), manifest);
        return forged;
    }

    protected static async Task<List<JsonElement>> ListAsync(params string[] extra)
    {
        var result = await TestbedCli.RunAsync(["etcd", "snapshot-list", "--output", "json", .. extra]);
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        return TestbedCli.Json(result).EnumerateArray().ToList();
    }

    protected static string? VerifiedAt(List<JsonElement> listing, string name) =>
        listing.Single(s => s.GetProperty("name").GetString() == name).GetProperty("verifiedAt").GetString();

    private protected static Task<CliResult> VerifyAsync(string name, params string[] extra) =>
        TestbedCli.RunAsync(["etcd", "snapshot-verify", "--name", name, .. extra]);

    protected async Task PutKeysAsync(int count, int from = 0)
    {
        for (var i = from; i < from + count; i++)
        {
            await RestoreTestbed.PutAsync($"/registry/{Resource}/default/k{i}", "v" + i.ToString(CultureInfo.InvariantCulture));
        }
    }

    protected string Name(string what) => $"v{EtcdVersion.Replace(".", "", StringComparison.Ordinal)}-{what}-{Guid.NewGuid().ToString("N")[..6]}";

    protected static JsonObject ManifestOf(int node, string name)
    {
        using var zip = ZipFile.OpenRead(TestbedCli.SnapshotPath(node, name + ".zip"));
        using var stream = zip.GetEntry("clusterctl-manifest.json")!.Open();
        return JsonNode.Parse(stream)!.AsObject();
    }

    protected static byte[] DbOf(int node, string name)
    {
        using var zip = ZipFile.OpenRead(TestbedCli.SnapshotPath(node, name + ".zip"));
        using var stream = zip.GetEntry("/backup/" + name)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    protected static void WriteZip(int node, string name, byte[] db, JsonObject manifest)
    {
        using var zip = ZipFile.Open(TestbedCli.SnapshotPath(node, name + ".zip"), ZipArchiveMode.Create);
        using (var entry = zip.CreateEntry("/backup/" + name).Open())
        {
            entry.Write(db);
        }

        using var manifestEntry = zip.CreateEntry("clusterctl-manifest.json").Open();
        manifestEntry.Write(JsonSerializer.SerializeToUtf8Bytes(manifest));
    }

    /// <summary>What a drill must never change: each etcd's start time, each data dir, the cluster's revision.</summary>
    protected sealed record ClusterState(IReadOnlyList<DateTimeOffset> StartedAt, IReadOnlyList<string> DataDirectories, long Revision)
    {
        public static async Task<ClusterState> ReadAsync() => new(
            await Task.WhenAll(RestoreTestbed.Nodes.Select(n => RestoreTestbed.StartedAtAsync(n, "etcd"))),
            RestoreTestbed.Nodes.SelectMany(n => RestoreTestbed.DataDirectoryListing(n).Select(e => $"node{n} {e}")).ToList(),
            await RevisionAsync());

        public async Task AssertUnchangedAsync()
        {
            var after = await ReadAsync();
            Assert.That(after.StartedAt, Is.EqualTo(StartedAt), "etcd containers were not restarted");
            Assert.That(after.DataDirectories, Is.EqualTo(DataDirectories), "the data dirs are as they were");
            Assert.That(after.Revision, Is.EqualTo(Revision), "nothing was written to etcd");
        }

        private static async Task<long> RevisionAsync()
        {
            using var status = JsonDocument.Parse(await Testbed.RunAsync("etcdctl", "1", "endpoint", "status", "-w", "json"));
            return status.RootElement[0].GetProperty("Status").GetProperty("header").GetProperty("revision").GetInt64();
        }
    }
}

