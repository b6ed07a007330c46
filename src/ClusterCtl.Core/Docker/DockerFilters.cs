using System.Text.Json;

namespace ClusterCtl.Docker;

/// <summary>
/// Encodes list filters the way the API wants them: one query parameter holding JSON,
/// <c>filters={"label":["io.clusterctl.helper"]}</c>, each key mapping to the values that must all match.
/// </summary>
internal static class DockerFilters
{
    public static string ToJson(IReadOnlyDictionary<string, IReadOnlyList<string>> filters)
    {
        ArgumentNullException.ThrowIfNull(filters);
        return JsonSerializer.Serialize(filters, DockerJsonContext.Default.IReadOnlyDictionaryStringIReadOnlyListString);
    }

    /// <summary>The query string fragment, e.g. <c>filters=%7B%22label%22...</c>; empty when there are no filters.</summary>
    public static string ToQueryParameter(IReadOnlyDictionary<string, IReadOnlyList<string>>? filters) =>
        filters is null || filters.Count == 0 ? "" : "filters=" + Uri.EscapeDataString(ToJson(filters));
}
