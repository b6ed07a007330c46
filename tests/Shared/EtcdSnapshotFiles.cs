using System.Security.Cryptography;

namespace ClusterCtl.Testing;

/// <summary>
/// The real snapshot checked in under TestData/etcd (made by make-snapshot.sh with etcd 3.4.23) and damaged
/// copies of it, plus synthetic ones of any size built the way etcd builds them (db pages, then their SHA-256).
/// </summary>
internal static class EtcdSnapshotFiles
{
    public static byte[] Real { get; } = File.ReadAllBytes(Path.Combine(TestContext.CurrentContext.TestDirectory, "TestData", "etcd", "snapshot.db"));

    public static byte[] WithFlippedByte(byte[] snapshot, int? at = null)
    {
        var copy = (byte[])snapshot.Clone();
        copy[at ?? copy.Length / 2] ^= 0x01;
        return copy;
    }

    public static byte[] Truncated(byte[] snapshot, int removed) => snapshot[..^removed];

    /// <summary>A db of <paramref name="pages"/> 4 KiB pages of Kubernetes-like JSON (or random bytes), then its SHA-256.</summary>
    public static byte[] Synthetic(int pages, bool random = false, int seed = 1)
    {
        var db = new byte[pages * 4096];
        if (random)
        {
            new Random(seed).NextBytes(db);
        }
        else
        {
            KubernetesLikeData.Fill(db, seed);
        }

        return [.. db, .. SHA256.HashData(db)];
    }
}
