namespace ClusterCtl.Pki;

/// <summary>The cluster CA (kube-ca) as PEM text. The key is a secret: never log it.</summary>
internal sealed record CertificateAuthorityPem(string CertificatePem, string KeyPem, string Source)
{
    public override string ToString() => $"CertificateAuthorityPem {{ Source = {Source}, KeyPem = [redacted] }}";
}
