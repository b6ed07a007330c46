using System.Text.Json.Serialization;

namespace ClusterCtl.Restore;

/// <summary>A command an operator types on <paramref name="Host"/> to finish what a failed rollback, or phase 8, could not.</summary>
internal sealed record ManualStep(string Host, string Command)
{
    /// <summary>
    /// The container that phase 8 could not get running, when this step is for one: the report's default view names
    /// it beside its node's count of restarts. Not in the JSON, whose command already names it.
    /// </summary>
    [JsonIgnore]
    public string? Container { get; init; }
}
