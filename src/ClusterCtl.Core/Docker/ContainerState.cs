using System.Globalization;
using Api = Docker.DotNet;

namespace ClusterCtl.Docker;

/// <summary>The State block of a container inspect.</summary>
internal sealed record ContainerState
{
    /// <summary>"created", "running", "paused", "restarting", "removing", "exited" or "dead".</summary>
    public string Status { get; init; } = "";

    public bool Running { get; init; }

    public long ExitCode { get; init; }

    /// <summary>Docker reports 0001-01-01T00:00:00Z for "never".</summary>
    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset FinishedAt { get; init; }

    public long Pid { get; init; }

    /// <summary>Why the daemon could not start the process, if it could not.</summary>
    public string? Error { get; init; }

    public static ContainerState From(Api.Models.State? state) => state is null ? new() : new()
    {
        Status = state.Status ?? "",
        Running = state.Running,
        ExitCode = state.ExitCode,
        StartedAt = Timestamp(state.StartedAt),
        FinishedAt = Timestamp(state.FinishedAt),
        Pid = state.Pid,
        Error = string.IsNullOrEmpty(state.Error) ? null : state.Error,
    };

    // RFC 3339 with nanoseconds, which DateTimeOffset parses to its 100 ns precision.
    private static DateTimeOffset Timestamp(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : default;
}
