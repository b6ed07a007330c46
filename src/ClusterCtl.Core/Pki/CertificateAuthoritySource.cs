namespace ClusterCtl.Pki;

/// <summary>
/// Where a restore gets the cluster CA from when a node needs certificates. Looking costs a read of the CA's private key
/// on a control-plane node, so it happens only when asked for, at most once per run.
/// </summary>
internal sealed class CertificateAuthoritySource
{
    private readonly Func<CancellationToken, Task<CertificateAuthorityPem?>> _find;
    private readonly Lock _gate = new();
    private Task<CertificateAuthorityPem?>? _found;

    public CertificateAuthoritySource(Func<CancellationToken, Task<CertificateAuthorityPem?>> find)
    {
        ArgumentNullException.ThrowIfNull(find);
        _find = find;
    }

    /// <summary>A CA already in hand (cluster.rkestate, --ca-cert/--ca-key): nothing is looked for.</summary>
    public static CertificateAuthoritySource Known(CertificateAuthorityPem ca) => new(_ => Task.FromResult<CertificateAuthorityPem?>(ca));

    /// <summary>
    /// The CA, or null when no source has it. The first caller starts the search and later ones share it; one that was
    /// cancelled or failed is started again by the next caller.
    /// </summary>
    public Task<CertificateAuthorityPem?> GetAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_found is null or { IsCanceled: true } or { IsFaulted: true })
            {
                _found = _find(cancellationToken);
            }

            return _found.WaitAsync(cancellationToken);
        }
    }
}
