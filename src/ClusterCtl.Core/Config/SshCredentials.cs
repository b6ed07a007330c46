namespace ClusterCtl.Config;

/// <summary>How to authenticate to one host: RKE allows a key file or an inline key, each with an optional certificate.</summary>
internal sealed record SshCredentials(string? KeyPath, string? InlineKey, string? CertificatePath, string? InlineCertificate)
{
    // Inline material is a secret: keep it out of logs and exception messages.
    public override string ToString() =>
        $"SshCredentials {{ KeyPath = {KeyPath}, InlineKey = {(InlineKey is null ? "none" : "[redacted]")}, CertificatePath = {CertificatePath} }}";
}
