using System.Security.Cryptography;
using ClusterCtl.Services;
using ClusterCtl.Storage;

namespace ClusterCtl.IntegrationTests.Snapshots;

/// <summary>The receiving helper on a real node: it reads its copy back and commits it only when it matches what was sent.</summary>
[NonParallelizable]
public class SnapshotReceiverTests
{
    [TearDown]
    public async Task NoHelperIsLeftBehind() => Assert.That(await TestbedCli.LeftoverHelpersAsync(), Is.Empty);

    [Test]
    public async Task A_copy_that_matches_is_committed_0600_with_its_checksum_recorded()
    {
        var data = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        var name = "receiver-good-" + Guid.NewGuid().ToString("N")[..8] + ".zip";
        await using var session = await TestbedSession.OpenAsync();
        var directory = new NodeSnapshotDirectory(session.Nodes[0], TestbedSession.LoadConfig());

        var sha = await directory.ReceiveAsync(name, new MemoryStream(data), Task.FromResult(Digests(data)), CancellationToken.None);

        var path = TestbedCli.SnapshotPath(1, name);
        Assert.That(sha, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(data))));
        Assert.That(await File.ReadAllBytesAsync(path), Is.EqualTo(data));
        Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(await File.ReadAllTextAsync(TestbedCli.SnapshotPath(1, NodeSnapshotDirectory.CacheName(name))), Does.EndWith(sha + "\n"));
        await directory.DeleteAsync(name, CancellationToken.None);
    }

    [Test]
    public async Task A_copy_that_does_not_read_back_as_sent_is_removed_and_never_put_in_place()
    {
        var data = RandomNumberGenerator.GetBytes(1024 * 1024);
        var name = "receiver-bad-" + Guid.NewGuid().ToString("N")[..8] + ".zip";
        await using var session = await TestbedSession.OpenAsync();
        var directory = new NodeSnapshotDirectory(session.Nodes[0], TestbedSession.LoadConfig());
        var otherBytes = Digests(RandomNumberGenerator.GetBytes(1024 * 1024));

        var failure = Assert.ThrowsAsync<ClusterCtlException>(() =>
            directory.ReceiveAsync(name, new MemoryStream(data), Task.FromResult(otherBytes), CancellationToken.None));

        Assert.That(failure!.Message, Does.Contain(name).And.Contain("does not verify").And.Contain("removed"));
        Assert.That(TestbedCli.SnapshotFiles(1).Where(f => f.Contains(name, StringComparison.Ordinal)), Is.Empty, "neither the file nor its partial stays");
    }

#pragma warning disable CA5351 // the receiver's read-back is MD5, as the sender's is
    private static ExpectedDigest Digests(byte[] data) =>
        new(Convert.ToHexStringLower(MD5.HashData(data)), Convert.ToHexStringLower(SHA256.HashData(data)));
#pragma warning restore CA5351
}
