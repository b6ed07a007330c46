using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ClusterCtl.Restore;

namespace ClusterCtl.Cli.Commands;

/// <summary>The JSON that commands print with <c>--output json</c>: camelCase, indented, stable for scripts.</summary>
internal static class CliJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        // Generated metadata, so that the native build serializes without reflection.
        TypeInfoResolver = CliJsonContext.Default,
        // One converter per enum a report holds: the non-generic converter would build these at run time.
        Converters =
        {
            new JsonStringEnumConverter<RestoreOutcome>(JsonNamingPolicy.CamelCase),
            new JsonStringEnumConverter<RestorePhase>(JsonNamingPolicy.CamelCase),
            new JsonStringEnumConverter<RestoreTool>(JsonNamingPolicy.CamelCase),
            new JsonStringEnumConverter<EtcdContainerAction>(JsonNamingPolicy.CamelCase),
        },
    };

    public static void Write<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T))));
}
