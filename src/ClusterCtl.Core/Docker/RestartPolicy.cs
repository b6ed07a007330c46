using Api = Docker.DotNet;

namespace ClusterCtl.Docker;

/// <summary>A container's restart policy; <see cref="Name"/> is "no", "always", "unless-stopped" or "on-failure".</summary>
internal sealed record RestartPolicy
{
    public static readonly RestartPolicy Always = new() { Name = "always" };

    public string? Name { get; init; }

    public int MaximumRetryCount { get; init; }

    public static RestartPolicy? From(Api.Models.RestartPolicy? policy) => policy is null ? null : new()
    {
        Name = policy.Name switch
        {
            Api.Models.RestartPolicyKind.No => "no",
            Api.Models.RestartPolicyKind.Always => "always",
            Api.Models.RestartPolicyKind.UnlessStopped => "unless-stopped",
            Api.Models.RestartPolicyKind.OnFailure => "on-failure",
            _ => null,
        },
        MaximumRetryCount = (int)policy.MaximumRetryCount,
    };

    public Api.Models.RestartPolicy ToApi() => new()
    {
        Name = Name switch
        {
            "no" => Api.Models.RestartPolicyKind.No,
            "always" => Api.Models.RestartPolicyKind.Always,
            "unless-stopped" => Api.Models.RestartPolicyKind.UnlessStopped,
            "on-failure" => Api.Models.RestartPolicyKind.OnFailure,
            _ => Api.Models.RestartPolicyKind.Undefined,
        },
        MaximumRetryCount = MaximumRetryCount,
    };
}
