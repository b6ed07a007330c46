using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ClusterCtl.Etcd;

/// <summary>
/// The member ids a new cluster's members get from etcd when it bootstraps them from <c>--initial-cluster</c> and
/// <c>--initial-cluster-token</c>, as <c>snapshot restore</c> does: the first 8 bytes (big-endian) of the SHA-1 of the
/// member's peer URLs, sorted and joined without separator, followed by the token. No clock is involved (only
/// <c>member add</c> salts the id with the time), so the ids a restore writes can be known before it runs.
/// </summary>
internal static class EtcdMemberIds
{
    /// <summary>The id of every member of <paramref name="initialCluster"/> ("name=peer URL,..."; a name given twice has two peer URLs), by name.</summary>
    public static IReadOnlyDictionary<string, ulong> Of(string initialCluster, string token)
    {
        ArgumentNullException.ThrowIfNull(initialCluster);
        ArgumentNullException.ThrowIfNull(token);
        return initialCluster.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(entry => entry.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .GroupBy(parts => parts[0], parts => parts[1], StringComparer.Ordinal)
            .ToDictionary(member => member.Key, member => Compute(member, token), StringComparer.Ordinal);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "etcd's own id derivation, reproduced to compare ids; no security rests on it")]
    public static ulong Compute(IEnumerable<string> peerUrls, string token)
    {
        var joined = string.Concat(peerUrls.Order(StringComparer.Ordinal)) + token;
        var hash = SHA1.HashData(Encoding.UTF8.GetBytes(joined));
        return BinaryPrimitives.ReadUInt64BigEndian(hash);
    }
}
