using System.Text.Json;

namespace ClusterCtl.Etcd;

/// <summary>
/// Parses etcdctl's <c>-w json</c> output. etcd 3.4 and 3.5 print the same shapes, with ids as
/// unsigned 64-bit numbers; we read them with JsonDocument so no precision is lost.
/// </summary>
internal static class EtcdctlJson
{
    public static IReadOnlyList<EtcdEndpointStatus> ParseEndpointStatus(string json)
    {
        using var doc = Parse(json, "endpoint status");
        return doc.RootElement.EnumerateArray().Select(e =>
        {
            var status = e.GetProperty("Status");
            var header = status.GetProperty("header");
            return new EtcdEndpointStatus(
                Endpoint: e.GetProperty("Endpoint").GetString() ?? "",
                ClusterId: UInt(header, "cluster_id"),
                MemberId: UInt(header, "member_id"),
                LeaderId: UInt(status, "leader"),
                Revision: (long)UInt(header, "revision"),
                RaftTerm: UInt(header, "raft_term"),
                Version: status.TryGetProperty("version", out var v) ? v.GetString() ?? "" : "",
                DbSizeBytes: (long)UInt(status, "dbSize"));
        }).ToList();
    }

    /// <summary>Endpoint → (healthy, error). etcdctl prints this even when it exits non-zero for an unhealthy member.</summary>
    public static IReadOnlyList<(string Endpoint, bool Healthy, string? Error)> ParseEndpointHealth(string json)
    {
        using var doc = Parse(json, "endpoint health");
        return doc.RootElement.EnumerateArray().Select(e => (
            e.GetProperty("endpoint").GetString() ?? "",
            e.TryGetProperty("health", out var h) && h.ValueKind == JsonValueKind.True,
            e.TryGetProperty("error", out var err) ? err.GetString() : null)).ToList();
    }

    public static IReadOnlyList<EtcdMember> ParseMemberList(string json)
    {
        using var doc = Parse(json, "member list");
        if (!doc.RootElement.TryGetProperty("members", out var members))
        {
            return [];
        }

        return members.EnumerateArray().Select(m => new EtcdMember(
            Id: UInt(m, "ID"),
            Name: m.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "",
            PeerUrls: Strings(m, "peerURLs"),
            ClientUrls: Strings(m, "clientURLs"),
            IsLearner: m.TryGetProperty("isLearner", out var l) && l.ValueKind == JsonValueKind.True)).ToList();
    }

    /// <summary><c>etcdctl snapshot status -w json</c>: the revision and key count inside a snapshot file.</summary>
    public static (long Revision, long TotalKeys, long TotalSize) ParseSnapshotStatus(string json)
    {
        using var doc = Parse(json, "snapshot status");
        var root = doc.RootElement;
        return ((long)UInt(root, "revision"), (long)UInt(root, "totalKey"), (long)UInt(root, "totalSize"));
    }

    private static JsonDocument Parse(string json, string what)
    {
        // Only stdout is parsed: etcdctl's own log lines (also JSON) go to stderr.
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"etcdctl {what} did not print JSON: {Truncate(json)}", e);
        }
    }

    private static ulong UInt(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number ? p.GetUInt64() : 0;

    private static List<string> Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Array
            ? p.EnumerateArray().Select(x => x.GetString() ?? "").ToList()
            : [];

    private static string Truncate(string text) => text.Length <= 200 ? text.Trim() : text[..200] + "...";
}
