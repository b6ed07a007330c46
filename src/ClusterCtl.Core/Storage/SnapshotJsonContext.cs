using System.Text.Json.Serialization;

namespace ClusterCtl.Storage;

/// <summary>Source-generated JSON for the manifest: camelCase, indented so an operator can read it with unzip -p.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SnapshotManifest))]
internal sealed partial class SnapshotJsonContext : JsonSerializerContext;
