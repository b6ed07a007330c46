using Amazon.Runtime;

namespace ClusterCtl.Storage;

/// <summary>
/// Gives the S3 client an HttpClient that trusts the store's own CA. The SDK's cache is bypassed: this factory
/// makes one client and owns it, so no other S3 client can pick up a handler with a different root of trust.
/// </summary>
internal sealed class CustomCaHttpClientFactory : HttpClientFactory, IDisposable
{
    private readonly CustomRootCertificateValidator _validator;
    private readonly Lock _lock = new();
    private HttpClient? _client;

    public CustomCaHttpClientFactory(string caPem)
    {
        _validator = new CustomRootCertificateValidator(caPem);
    }

    public override HttpClient CreateHttpClient(IClientConfig clientConfig)
    {
        ArgumentNullException.ThrowIfNull(clientConfig);
        lock (_lock)
        {
            if (_client is null)
            {
#pragma warning disable CA2000 // The HttpClient owns the handler and this factory owns the HttpClient.
                var handler = new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    ConnectTimeout = clientConfig.ConnectTimeout ?? TimeSpan.FromSeconds(10),
                    SslOptions = { RemoteCertificateValidationCallback = (_, certificate, chain, errors) => _validator.Validate(certificate, chain, errors) },
                };
#pragma warning restore CA2000
                _client = new HttpClient(handler) { Timeout = clientConfig.Timeout ?? TimeSpan.FromMinutes(5) };
            }

            return _client;
        }
    }

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public void Dispose()
    {
        _client?.Dispose();
        _validator.Dispose();
    }
}
