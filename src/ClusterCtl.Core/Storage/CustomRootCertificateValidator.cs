using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace ClusterCtl.Storage;

/// <summary>
/// Trusts a server certificate that chains to the S3 store's own CA (<c>--s3-endpoint-ca</c> or <c>custom_ca</c>),
/// as well as one the system already trusts. The host name must still match: only the root of trust changes.
/// </summary>
internal sealed class CustomRootCertificateValidator : IDisposable
{
    private readonly X509Certificate2Collection _roots;

    public CustomRootCertificateValidator(string caPem)
    {
        _roots = [];
        _roots.ImportFromPem(caPem);
        if (_roots.Count == 0)
        {
            throw new ClusterCtlException("the S3 CA holds no PEM certificate (-----BEGIN CERTIFICATE-----); fix --s3-endpoint-ca or custom_ca", ExitCodes.InvalidInput);
        }
    }

    public bool Validate(X509Certificate? certificate, X509Chain? presentedChain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            // No certificate, or the name does not match: a custom root does not excuse either.
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_roots);

        // Private CAs seldom publish revocation lists, and the store is reached directly.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presentedChain is not null)
        {
            foreach (var element in presentedChain.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var server = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(server);
    }

    public void Dispose()
    {
        foreach (var root in _roots)
        {
            root.Dispose();
        }
    }
}
