namespace ClusterCtl.Docker;

/// <summary>
/// Picks the credentials for an image by its registry host. Docker Hub goes by several names
/// (docker.io, index.docker.io, registry-1.docker.io, https://index.docker.io/v1/), all treated as one.
/// </summary>
internal static class RegistryAuthSelector
{
    private static readonly HashSet<string> DockerHubAliases =
        new(["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"], StringComparer.Ordinal);

    /// <summary>The credentials whose server is the image's registry, or null to pull anonymously.</summary>
    public static RegistryAuth? Select(string imageReference, IEnumerable<RegistryAuth> registries)
    {
        ArgumentNullException.ThrowIfNull(registries);
        var host = NormalizeHost(ImageReference.Parse(imageReference).RegistryHost);
        return registries.FirstOrDefault(r => NormalizeHost(r.Server) == host);
    }

    /// <summary>"https://Reg.example:5000/v1/" becomes "reg.example:5000"; Docker Hub aliases become "docker.io".</summary>
    public static string NormalizeHost(string server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var host = server.Trim();
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            host = host[(scheme + 3)..];
        }

        var slash = host.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            host = host[..slash];
        }

        host = host.ToLowerInvariant();
        return DockerHubAliases.Contains(host) ? ImageReference.DockerHub : host;
    }
}
