using System.Text.Json;

namespace ClusterCtl.Etcd;

/// <summary>
/// Parses etcdctl's <c>-w json</c> output. etcd 3.4 and 3.5 print the same shapes, with ids as
/// unsigned 64-bit numbers; we read them with JsonDocument so no precision is lost. Every answer goes through one
/// guard: whatever is wrong with it (not JSON, another shape, a field of another type) is an
/// <see cref="EtcdctlAnswerException"/> that names the node that answered.
/// </summary>
internal static class EtcdctlJson
{
    /// <param name="node">The node etcdctl ran on, for the error.</param>
    public static IReadOnlyList<EtcdEndpointStatus> ParseEndpointStatus(string node, string json) =>
        Guarded(node, "endpoint status", json, root => root.EnumerateArray().Select(e =>
        {
            var status = e.GetProperty("Status");
            var header = status.GetProperty("header");
            return new EtcdEndpointStatus(
                Endpoint: e.GetProperty("Endpoint").GetString() ?? "",
                ClusterId: UInt(header, "cluster_id"),
                MemberId: UInt(header, "member_id"),
                LeaderId: UInt(status, "leader"),
                Revision: Int(header, "revision"),
                RaftTerm: UInt(header, "raft_term"),
                Version: status.TryGetProperty("version", out var v) ? v.GetString() ?? "" : "",
                DbSizeBytes: Int(status, "dbSize"));
        }).ToList());

    /// <summary>Endpoint → (healthy, error). etcdctl prints this even when it exits non-zero for an unhealthy member.</summary>
    public static IReadOnlyList<(string Endpoint, bool Healthy, string? Error)> ParseEndpointHealth(string node, string json) =>
        Guarded(node, "endpoint health", json, root => root.EnumerateArray().Select(e => (
            e.GetProperty("endpoint").GetString() ?? "",
            e.TryGetProperty("health", out var h) && h.ValueKind == JsonValueKind.True,
            e.TryGetProperty("error", out var err) ? err.GetString() : null)).ToList());

    public static IReadOnlyList<EtcdMember> ParseMemberList(string node, string json) =>
        Guarded(node, "member list", json, root => !root.TryGetProperty("members", out var members) ? [] : members.EnumerateArray().Select(m => new EtcdMember(
            Id: UInt(m, "ID"),
            Name: m.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "",
            PeerUrls: Strings(m, "peerURLs"),
            ClientUrls: Strings(m, "clientURLs"),
            IsLearner: m.TryGetProperty("isLearner", out var l) && l.ValueKind == JsonValueKind.True)).ToList());

    /// <summary><c>etcdctl snapshot status -w json</c>: the revision and key count inside a snapshot file.</summary>
    public static (long Revision, long TotalKeys, long TotalSize) ParseSnapshotStatus(string node, string json) =>
        Guarded(node, "snapshot status", json, root => (Int(root, "revision"), Int(root, "totalKey"), Int(root, "totalSize")));

    /// <summary><c>etcdctl endpoint hashkv -w json</c> against one endpoint: the hash and the compaction it was taken under (-1: none yet).</summary>
    public static (uint Hash, long CompactRevision) ParseHashKv(string node, string json) =>
        Guarded(node, "endpoint hashkv", json, root =>
        {
            var hashKv = root.EnumerateArray().First().GetProperty("HashKV");
            return (hashKv.GetProperty("hash").GetUInt32(), hashKv.TryGetProperty("compact_revision", out var c) ? c.GetInt64() : -1);
        });

    /// <summary>
    /// <c>etcdctl get FROM END --keys-only --limit N -w json</c>: the keys returned, and how many keys the whole range holds
    /// (etcd counts the range whatever the limit).
    /// </summary>
    public static (IReadOnlyList<string> Keys, long Count) ParseRangeKeys(string node, string json) =>
        Guarded(node, "get", json, root => (
            (IReadOnlyList<string>)(root.TryGetProperty("kvs", out var kvs)
                ? kvs.EnumerateArray().Select(kv => System.Text.Encoding.UTF8.GetString(kv.GetProperty("key").GetBytesFromBase64())).ToList()
                : []),
            Int(root, "count")));

    private static T Guarded<T>(string node, string what, string json, Func<JsonElement, T> read)
    {
        // Only stdout is parsed: etcdctl's own log lines (also JSON) go to stderr.
        try
        {
            using var doc = JsonDocument.Parse(json);
            return read(doc.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException or OverflowException)
        {
            throw new EtcdctlAnswerException($"{node}: etcdctl {what} printed an answer clusterctl cannot read ({e.Message}): {Truncate(json)}", e);
        }
    }

    private static ulong UInt(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) ? p.GetUInt64() : 0;

    // Revisions and sizes are signed in etcd; one beyond long's range is not an answer etcd gives.
    private static long Int(JsonElement e, string name) => checked((long)UInt(e, name));

    private static List<string> Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Array
            ? p.EnumerateArray().Select(x => x.GetString() ?? "").ToList()
            : [];

    private static string Truncate(string text) => (text.Length <= 200 ? text.Trim() : text[..200] + "...").ReplaceLineEndings(" ");
}
