using System.Text.Json.Serialization;

namespace ClusterCtl.Docker;

/// <summary>
/// Source-generated (de)serializers for every body the client sends or reads: no reflection, so
/// trimming stays safe. Nulls are omitted on write so the daemon applies its own defaults.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ContainerSpec))]
[JsonSerializable(typeof(CreateContainerResponse))]
[JsonSerializable(typeof(WaitContainerResponse))]
[JsonSerializable(typeof(ContainerDetails))]
[JsonSerializable(typeof(IReadOnlyList<ContainerSummary>))]
[JsonSerializable(typeof(ImageDetails))]
[JsonSerializable(typeof(DockerVersion))]
[JsonSerializable(typeof(DockerErrorResponse))]
[JsonSerializable(typeof(PullMessage))]
[JsonSerializable(typeof(RegistryAuthPayload))]
[JsonSerializable(typeof(ExecCreateRequest))]
[JsonSerializable(typeof(ExecCreateResponse))]
[JsonSerializable(typeof(ExecStartRequest))]
[JsonSerializable(typeof(ExecDetails))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, IReadOnlyList<string>>))]
internal sealed partial class DockerJsonContext : JsonSerializerContext;
