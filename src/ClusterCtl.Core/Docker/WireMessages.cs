using System.Text.Json.Serialization;

namespace ClusterCtl.Docker;

// Shapes of daemon answers that never leave DockerClient. Kept together because each is a few
// fields of one endpoint and none means anything on its own.

/// <summary>The answer to <c>POST /containers/create</c>.</summary>
internal sealed record CreateContainerResponse(string Id, IReadOnlyList<string>? Warnings);

/// <summary>The answer to <c>POST /containers/{id}/wait</c>.</summary>
internal sealed record WaitContainerResponse(long StatusCode, WaitContainerError? Error);

internal sealed record WaitContainerError(string? Message);

/// <summary>The body of every non-2xx answer.</summary>
internal sealed record DockerErrorResponse([property: JsonPropertyName("message")] string? Message);

/// <summary>One JSON line of the <c>POST /images/create</c> stream.</summary>
internal sealed record PullMessage(
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("progress")] string? Progress,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("errorDetail")] PullErrorDetail? ErrorDetail);

internal sealed record PullErrorDetail([property: JsonPropertyName("message")] string? Message);

/// <summary>The JSON inside <c>X-Registry-Auth</c>; lowercase names are what the daemon reads.</summary>
internal sealed record RegistryAuthPayload(
    [property: JsonPropertyName("username")] string Username,
    [property: JsonPropertyName("password")] string Password,
    [property: JsonPropertyName("serveraddress")] string ServerAddress);

/// <summary>The body of <c>POST /containers/{id}/exec</c>.</summary>
internal sealed record ExecCreateRequest(bool AttachStdout, bool AttachStderr, IReadOnlyList<string> Cmd, IReadOnlyList<string>? Env);

/// <summary>The answer to <c>POST /containers/{id}/exec</c>.</summary>
internal sealed record ExecCreateResponse(string Id);

/// <summary>The body of <c>POST /exec/{id}/start</c>.</summary>
internal sealed record ExecStartRequest(bool Detach, bool Tty);

/// <summary>The answer to <c>GET /exec/{id}/json</c>.</summary>
internal sealed record ExecDetails(bool Running, long? ExitCode);
