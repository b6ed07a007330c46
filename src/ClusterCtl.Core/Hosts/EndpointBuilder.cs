using ClusterCtl.Config;

namespace ClusterCtl.Hosts;

/// <summary>
/// Turns cluster.yml's view of a host into an <see cref="SshEndpoint"/>. Inline keys and certificates
/// become 0600 files in the run's private directory, owned (and deleted) by the caller.
/// </summary>
internal sealed class EndpointBuilder(ClusterConfig config, SessionOptions options, SshRuntimeDirectory runtimeDirectory) : IDisposable
{
    private readonly List<InlineCredentialFile> _inlineFiles = [];

    public SshEndpoint For(ClusterNode node) => new(node.Address, node.Address, node.User)
    {
        Port = node.Port,
        RemoteDockerSocket = node.DockerSocket,
        IdentityFile = KeyFile(node.Credentials),
        CertificateFile = CertificateFile(node.Credentials),
        UseAgent = options.SshAgentAuth || config.SshAgentAuth,
        Bastion = config.Bastion is { } b
            ? new SshEndpoint(b.Address, b.Address, b.User)
            {
                Port = b.Port,
                IdentityFile = KeyFile(b.Credentials),
                CertificateFile = CertificateFile(b.Credentials),
                UseAgent = options.SshAgentAuth || config.SshAgentAuth,
            }
            : null,
    };

    public void Dispose()
    {
        foreach (var file in _inlineFiles)
        {
            file.Dispose();
        }
    }

    private string? KeyFile(SshCredentials credentials) =>
        credentials.InlineKey is { } key ? Keep(InlineCredentialFile.WritePrivateKey(runtimeDirectory, key)) : credentials.KeyPath;

    private string? CertificateFile(SshCredentials credentials) =>
        credentials.InlineCertificate is { } cert ? Keep(InlineCredentialFile.WriteCertificate(runtimeDirectory, cert)) : credentials.CertificatePath;

    private string Keep(InlineCredentialFile file)
    {
        _inlineFiles.Add(file);
        return file.Path;
    }
}
