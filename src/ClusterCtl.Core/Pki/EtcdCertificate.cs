namespace ClusterCtl.Pki;

/// <summary>A node's etcd certificate and key as PEM text. The key is a secret: never log it.</summary>
internal sealed record EtcdCertificate(string CertificatePem, string KeyPem)
{
    public override string ToString() => "EtcdCertificate { KeyPem = [redacted] }";
}
