using System.Security.Cryptography;
using ClusterCtl.Docker;
using ClusterCtl.Services;

namespace ClusterCtl.IntegrationTests.Services;

/// <summary>
/// The one receiver every file takes onto a node, in the forms the restore (a limit and a SHA-256 read-back) and the
/// drill (a limit, no read-back) use it; the save's form has <see cref="Snapshots.SnapshotReceiverTests"/>.
/// </summary>
[NonParallelizable]
public class NodeFileReceiverTests
{
    private string _directory = "";

    [SetUp]
    public void PickDirectory() => _directory = ".receiver-" + Guid.NewGuid().ToString("N")[..8];

    [TearDown]
    public async Task NoHelperIsLeftBehind()
    {
        var onHost = TestbedCli.SnapshotPath(1, _directory);
        if (Directory.Exists(onHost))
        {
            Directory.Delete(onHost, recursive: true);
        }

        Assert.That(await TestbedCli.LeftoverHelpersAsync(), Is.Empty);
    }

    [Test]
    public async Task A_file_checked_with_sha256_is_renamed_into_a_directory_it_made_and_nothing_else_stays()
    {
        var data = RandomNumberGenerator.GetBytes(2 * 1024 * 1024 + 5);
        var sha = Convert.ToHexStringLower(SHA256.HashData(data));

        var receipt = await ReceiveAsync(data, Target(maxBytes: data.Length, ReadBackHash.Sha256), Task.FromResult(new ExpectedDigest(sha, sha)));

        Assert.That(receipt.Outcome, Is.EqualTo(NodeFileReceipt.Result.Committed), receipt.Problem);
        Assert.That(Files(), Is.EqualTo(new[] { "snapshot.db" }));
        Assert.That(await File.ReadAllBytesAsync(Path.Combine(TestbedCli.SnapshotPath(1, _directory), "snapshot.db")), Is.EqualTo(data));
    }

    [Test]
    public async Task A_sha256_read_back_that_differs_from_the_verified_db_leaves_no_file()
    {
        var data = RandomNumberGenerator.GetBytes(100_000);
        var other = Convert.ToHexStringLower(SHA256.HashData(RandomNumberGenerator.GetBytes(100_000)));

        var receipt = await ReceiveAsync(data, Target(maxBytes: null, ReadBackHash.Sha256), Task.FromResult(new ExpectedDigest(other, other)));

        Assert.That(receipt.Outcome, Is.EqualTo(NodeFileReceipt.Result.Mismatch));
        Assert.That(receipt.Problem, Does.Contain("read back " + Convert.ToHexStringLower(SHA256.HashData(data))));
        Assert.That(Files(), Is.Empty);
    }

    [Test]
    public async Task A_stream_longer_than_the_limit_is_cut_off_and_removed()
    {
        var data = RandomNumberGenerator.GetBytes(5000);

        var receipt = await ReceiveAsync(data, Target(maxBytes: 4096, ReadBackHash.None), expected: null);

        Assert.That(receipt.Outcome, Is.EqualTo(NodeFileReceipt.Result.TooLong));
        Assert.That(receipt.Problem, Does.Contain("4096 bytes"));
        Assert.That(Files(), Is.Empty);
    }

    [Test]
    public async Task Without_a_read_back_a_file_within_the_limit_is_committed_as_soon_as_it_ends()
    {
        var data = RandomNumberGenerator.GetBytes(4096);

        var receipt = await ReceiveAsync(data, Target(maxBytes: 4096, ReadBackHash.None), expected: null);

        Assert.That(receipt.Outcome, Is.EqualTo(NodeFileReceipt.Result.Committed), receipt.Problem);
        Assert.That(Files(), Is.EqualTo(new[] { "snapshot.db" }));
    }

    [Test]
    public void A_sender_that_fails_before_its_digest_is_known_fails_the_receive_and_takes_the_helper_with_it()
    {
        var failed = Task.FromException<ExpectedDigest>(new InvalidDataException("the copy does not verify"));

        var error = Assert.CatchAsync(() => ReceiveAsync(RandomNumberGenerator.GetBytes(1000), Target(maxBytes: null, ReadBackHash.Md5), failed));

        Assert.That(error, Is.InstanceOf<InvalidDataException>());
        Assert.That(Files(), Has.None.EqualTo("snapshot.db"), "nothing is committed");
    }

    private NodeFileTarget Target(long? maxBytes, ReadBackHash readBack) =>
        new($"{NodeHelperSpecs.SnapshotDirectoryInContainer}/{_directory}", ".snapshot.db.partial", "snapshot.db") { MaxBytes = maxBytes, ReadBack = readBack };

    private static async Task<NodeFileReceipt> ReceiveAsync(byte[] data, NodeFileTarget target, Task<ExpectedDigest>? expected)
    {
        await using var session = await TestbedSession.OpenAsync();
        var node = session.Nodes[0];
        var config = TestbedSession.LoadConfig();
        return await new NodeFileReceiver(node.Docker, node.Helpers).ReceiveAsync(
            script => NodeHelperSpecs.SnapshotShell(config, "receiver-test", script),
            target,
            (stdin, ct) => stdin.WriteAsync(data, ct).AsTask(),
            expected,
            CancellationToken.None);
    }

    private string[] Files()
    {
        var onHost = TestbedCli.SnapshotPath(1, _directory);
        return Directory.Exists(onHost) ? Directory.GetFiles(onHost).Select(f => Path.GetFileName(f)!).Order().ToArray() : [];
    }
}
