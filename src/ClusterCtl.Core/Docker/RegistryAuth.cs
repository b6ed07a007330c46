using System.Text.Json;

namespace ClusterCtl.Docker;

/// <summary>
/// Credentials for one registry (from <c>private_registries</c>). <see cref="ToString"/> hides the
/// password, so logging or interpolating this record can never leak it.
/// </summary>
internal sealed record RegistryAuth(string Server, string Username, string Password)
{
    public override string ToString() => $"RegistryAuth {{ Server = {Server}, Username = {Username}, Password = *** }}";
}
