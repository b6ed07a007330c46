using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Etcd;
using ClusterCtl.Hosts;
using Serilog;

namespace ClusterCtl.Pki;

/// <summary>
/// Finds the cluster CA that signs a new node's etcd certificate, in this order: <c>cluster.rkestate</c> beside the
/// config; the <c>--ca-cert</c>/<c>--ca-key</c> files; the kube-ca files on a reachable control-plane node.
/// </summary>
internal sealed class CertificateAuthorityLocator(ClusterConfig config, ILogger logger)
{
    public const string CaKeyFile = "/etc/kubernetes/ssl/kube-ca-key.pem";

    private const string Separator = "--clusterctl-kube-ca-key--";

    /// <summary>The three ways to supply the CA, for the message that refuses a restore without one.</summary>
    public static string WaysToSupply(ClusterConfig config) =>
        $"supply the cluster CA in one of three ways: (1) put RKE's cluster.rkestate beside the config ({config.StateFilePath}); " +
        "(2) pass --ca-cert <kube-ca.pem> --ca-key <kube-ca-key.pem>; " +
        $"(3) keep a control-plane node with {EtcdHelperSpecs.CaCertificate} and {CaKeyFile} reachable in cluster.yml";

    public async Task<CertificateAuthorityPem?> FindAsync(ClusterSession session, string? caCertificateFile, string? caKeyFile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (FindLocal(caCertificateFile, caKeyFile) is { } local)
        {
            return local;
        }

        foreach (var node in session.Nodes.Where(n => n.Node.IsControlPlane))
        {
            if (await TryReadFromNodeAsync(node, cancellationToken) is { } fromNode)
            {
                return fromNode;
            }
        }

        return null;
    }

    /// <summary>The first two sources, which need no host: cluster.rkestate beside the config, then the --ca-cert/--ca-key files.</summary>
    public CertificateAuthorityPem? FindLocal(string? caCertificateFile, string? caKeyFile)
    {
        if (RkeStateReader.TryReadCertificateAuthority(config.StateFilePath) is { } fromState)
        {
            return fromState;
        }

        return caCertificateFile is not null || caKeyFile is not null ? FromFiles(caCertificateFile, caKeyFile) : null;
    }

    private static CertificateAuthorityPem FromFiles(string? certificateFile, string? keyFile)
    {
        if (certificateFile is null || keyFile is null)
        {
            throw new ClusterCtlException("--ca-cert and --ca-key go together: give both files", ExitCodes.InvalidInput);
        }

        try
        {
            return new CertificateAuthorityPem(File.ReadAllText(certificateFile), File.ReadAllText(keyFile), $"--ca-cert {certificateFile}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClusterCtlException($"cannot read the CA given with --ca-cert/--ca-key: {e.Message}", ExitCodes.InvalidInput, e);
        }
    }

    private async Task<CertificateAuthorityPem?> TryReadFromNodeAsync(NodeSession node, CancellationToken cancellationToken)
    {
        // The key comes back on the helper's stdout only: never in an argument, the environment or the log.
        var script = $"cat {EtcdHelperSpecs.CaCertificate} && echo {Separator} && cat {CaKeyFile}";
        var spec = EtcdHelperSpecs.AlpineShell(config, "read-kube-ca", script, [$"{config.KubernetesDirectory}:{EtcdHelperSpecs.KubernetesDirectoryInContainer}:ro"]);
        try
        {
            // Looking for the CA must never pull an image: this runs before the preflight, and in dry runs.
            if (await node.Docker.InspectImageAsync(config.Images.Alpine, cancellationToken) is null)
            {
                logger.Information("[restore] {Host}: {Image} is not there; not looking for the kube-ca files on it", node.Host, config.Images.Alpine);
                return null;
            }

            var result = await node.Helpers.RunAsync(spec, cancellationToken);
            var parts = result.Stdout.Split(Separator);
            if (!result.Succeeded || parts.Length != 2 || !parts[1].Contains("PRIVATE KEY", StringComparison.Ordinal))
            {
                logger.Information("[restore] {Host}: no kube-ca certificate and key to sign new certificates with", node.Host);
                return null;
            }

            return new CertificateAuthorityPem(parts[0].Trim() + "\n", parts[1].Trim() + "\n", $"{node.Host}:{EtcdHelperSpecs.CaCertificate}");
        }
        catch (DockerException e)
        {
            logger.Warning("[restore] {Host}: cannot read the kube-ca files: {Error}", node.Host, e.Message);
            return null;
        }
    }
}
