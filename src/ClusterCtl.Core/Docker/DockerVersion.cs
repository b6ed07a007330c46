namespace ClusterCtl.Docker;

/// <summary>What <c>GET /version</c> says about a daemon; <see cref="ApiVersion"/> is the daemon's maximum, not the negotiated one.</summary>
internal sealed record DockerVersion(string Version, string ApiVersion, string Os, string Arch, string KernelVersion);
