using System.Text.Json;

namespace ClusterCtl.Docker;

/// <summary>
/// Credentials for one registry (from <c>private_registries</c>). <see cref="ToString"/> hides the
/// password, so logging or interpolating this record can never leak it.
/// </summary>
internal sealed record RegistryAuth(string Server, string Username, string Password)
{
    /// <summary>
    /// The <c>X-Registry-Auth</c> header value: URL-safe base64 of <c>{"username","password","serveraddress"}</c>.
    /// Padding is kept: daemons decode with Go's padded <c>base64.URLEncoding</c>, and older ones reject unpadded input.
    /// </summary>
    public string ToHeaderValue()
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(
            new RegistryAuthPayload(Username, Password, Server), DockerJsonContext.Default.RegistryAuthPayload);
        return Convert.ToBase64String(json).Replace('+', '-').Replace('/', '_');
    }

    public override string ToString() => $"RegistryAuth {{ Server = {Server}, Username = {Username}, Password = *** }}";
}
