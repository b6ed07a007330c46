using System.Security.Cryptography;
using ClusterCtl.Storage;
using ClusterCtl.Testing;

namespace ClusterCtl.Tests.Storage;

public class EtcdSnapshotVerifierTests
{
    [Test]
    public async Task A_real_etcdctl_snapshot_passes_and_its_file_hash_is_the_sha256_of_every_byte()
    {
        var snapshot = EtcdSnapshotFiles.Real;

        var check = await EtcdSnapshotVerifier.CheckAsync(new MemoryStream(snapshot), CancellationToken.None);

        Assert.That(check.Length, Is.EqualTo(snapshot.Length));
        Assert.That(check.HasAppendedHash, Is.True);
        Assert.That(check.AppendedHashMatches, Is.True);
        Assert.That(check.DbSha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(snapshot))));
        Assert.That(check.AppendedHash, Is.EqualTo(Convert.ToHexStringLower(snapshot.AsSpan(snapshot.Length - 32))));
        Assert.That(check.EnsureIntact("snap"), Is.SameAs(check));
    }

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(31)]
    [TestCase(32)]
    [TestCase(33)]
    [TestCase(4096)]
    public void The_result_does_not_depend_on_how_the_bytes_are_chunked(int chunkSize)
    {
        var snapshot = EtcdSnapshotFiles.Real;
        using var verifier = new EtcdSnapshotVerifier();

        for (var offset = 0; offset < snapshot.Length; offset += chunkSize)
        {
            verifier.Append(snapshot.AsSpan(offset, Math.Min(chunkSize, snapshot.Length - offset)));
        }

        var check = verifier.Complete();
        Assert.That(check.IsIntact, Is.True);
        Assert.That(check.DbSha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(snapshot))));
    }

    [Test]
    public async Task One_flipped_byte_in_the_middle_fails_the_check_and_names_the_file()
    {
        var check = await EtcdSnapshotVerifier.CheckAsync(new MemoryStream(EtcdSnapshotFiles.WithFlippedByte(EtcdSnapshotFiles.Real)), CancellationToken.None);

        Assert.That(check.HasAppendedHash, Is.True);
        Assert.That(check.AppendedHashMatches, Is.False);
        var error = Assert.Throws<SnapshotCorruptException>(() => check.EnsureIntact("snap.zip on 10.213.0.11"));
        Assert.That(error.Message, Does.Contain("snap.zip on 10.213.0.11").And.Contain("does not match"));
        Assert.That(error.ExitCode, Is.EqualTo(ExitCodes.Failed));
    }

    [Test]
    public async Task A_flipped_byte_in_the_appended_hash_fails_the_check()
    {
        var snapshot = EtcdSnapshotFiles.WithFlippedByte(EtcdSnapshotFiles.Real, EtcdSnapshotFiles.Real.Length - 1);

        var check = await EtcdSnapshotVerifier.CheckAsync(new MemoryStream(snapshot), CancellationToken.None);

        Assert.That(check.IsIntact, Is.False);
    }

    [TestCase(1)]
    [TestCase(32)]
    [TestCase(1000)]
    public async Task A_truncated_snapshot_has_no_appended_hash_and_fails(int removed)
    {
        var check = await EtcdSnapshotVerifier.CheckAsync(new MemoryStream(EtcdSnapshotFiles.Truncated(EtcdSnapshotFiles.Real, removed)), CancellationToken.None);

        Assert.That(check.HasAppendedHash, Is.False);
        var error = Assert.Throws<SnapshotCorruptException>(() => check.EnsureIntact("snap"));
        Assert.That(error.Message, Does.Contain("truncated"));
    }

    [Test]
    public async Task A_snapshot_cut_by_whole_pages_still_fails_because_its_last_bytes_are_not_the_hash()
    {
        var check = await EtcdSnapshotVerifier.CheckAsync(new MemoryStream(EtcdSnapshotFiles.Truncated(EtcdSnapshotFiles.Real, 4096)), CancellationToken.None);

        Assert.That(check.HasAppendedHash, Is.True);
        Assert.That(check.IsIntact, Is.False);
    }

    [Test]
    public async Task A_bare_bolt_db_without_etcds_hash_is_refused()
    {
        var db = EtcdSnapshotFiles.Real[..^32];

        var check = await EtcdSnapshotVerifier.CheckAsync(new MemoryStream(db), CancellationToken.None);

        Assert.That(check.HasAppendedHash, Is.False);
        Assert.That(check.AppendedHash, Is.Null);
        Assert.That(check.DbSha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(db))));
    }

    [Test]
    public void Appending_after_completion_is_refused()
    {
        using var verifier = new EtcdSnapshotVerifier();
        verifier.Complete();

        Assert.Throws<InvalidOperationException>(() => verifier.Append([1]));
    }
}
