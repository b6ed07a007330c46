using System.Net;
using System.Text;
using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Hosts;
using ClusterCtl.Logging;
using ClusterCtl.Services;
using Serilog;

namespace ClusterCtl.Pki;

/// <summary>
/// Finds the cluster CA that signs a new node's etcd certificate, in this order: <c>cluster.rkestate</c> beside the
/// config; the <c>--ca-cert</c>/<c>--ca-key</c> files; the kube-ca files on a reachable control-plane node.
/// </summary>
internal sealed class CertificateAuthorityLocator(ClusterConfig config, ILogger logger)
{
    private readonly ILogger _log = logger.ForScope("restore");

    public const string CaKeyFile = "/etc/kubernetes/ssl/kube-ca-key.pem";

    // A PEM certificate or key is a few KiB; anything much larger is not one.
    private const int MaxPemBytes = 1024 * 1024;

    // Keeps the helper running while its files are read; removal is forced anyway.
    private const string IdleScript = "trap 'exit 0' TERM; sleep 3600 & wait";

    /// <summary>The three ways to supply the CA, for the message that refuses a restore without one.</summary>
    public static string WaysToSupply(ClusterConfig config) =>
        $"supply the cluster CA in one of three ways: (1) put RKE's cluster.rkestate beside the config ({config.StateFilePath}); " +
        "(2) pass --ca-cert <kube-ca.pem> --ca-key <kube-ca-key.pem>; " +
        $"(3) keep a control-plane node with {NodeHelperSpecs.CaCertificate} and {CaKeyFile} reachable in cluster.yml";

    /// <summary>
    /// The CA's source for a restore: the local ones are read now, so that a bad --ca-cert is refused before anything
    /// else; the control-plane nodes only when a node turns out to need certificates.
    /// </summary>
    public CertificateAuthoritySource Source(IReadOnlyList<NodeSession> nodes, string? caCertificateFile, string? caKeyFile)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        return FindLocal(caCertificateFile, caKeyFile) is { } local
            ? CertificateAuthoritySource.Known(local)
            : new CertificateAuthoritySource(cancellationToken => FindOnNodesAsync(nodes, cancellationToken));
    }

    /// <summary>The kube-ca files of the first reachable control-plane node that has both.</summary>
    public async Task<CertificateAuthorityPem?> FindOnNodesAsync(IReadOnlyList<NodeSession> nodes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        foreach (var node in nodes.Where(n => n.Node.IsControlPlane))
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
        // The files come out through the archive endpoint, straight to us. Never through a helper's stdout: docker
        // keeps that in the container's log, and a log driver such as journald, syslog or fluentd keeps it on the node
        // or sends it elsewhere, long after the helper is gone.
        var spec = NodeHelperSpecs.AlpineShell(config, "read-kube-ca", IdleScript, [$"{config.KubernetesDirectory}:{NodeHelperSpecs.KubernetesDirectoryInContainer}:ro"]);
        try
        {
            // Looking for the CA must never pull an image: this runs before the point of no return, and in dry runs.
            if (await node.Docker.InspectImageAsync(config.Images.Alpine, cancellationToken) is null)
            {
                _log.Information("{Host}: {Image} is not there; not looking for the kube-ca files on it", node.Host, config.Images.Alpine);
                return null;
            }

            await using var helper = await node.Helpers.StartAsync(spec, cancellationToken);
            var certificate = await ReadPemAsync(helper, NodeHelperSpecs.CaCertificate, cancellationToken);
            var key = certificate is null ? null : await ReadPemAsync(helper, CaKeyFile, cancellationToken);
            if (certificate is null || key is null || !key.Contains("PRIVATE KEY", StringComparison.Ordinal))
            {
                _log.Information("{Host}: no kube-ca certificate and key to sign new certificates with", node.Host);
                return null;
            }

            return new CertificateAuthorityPem(certificate.Trim() + "\n", key.Trim() + "\n", $"{node.Host}:{NodeHelperSpecs.CaCertificate}");
        }
        catch (DockerException e)
        {
            _log.Warning("{Host}: cannot read the kube-ca files: {Error}", node.Host, e.Message);
            return null;
        }
    }

    /// <summary>A PEM file of the helper's, or null when it is not there or not a small regular file.</summary>
    private async Task<string?> ReadPemAsync(RunningHelper helper, string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var tar = await helper.Docker.GetArchiveAsync(helper.Id, path, cancellationToken);
            using var content = new MemoryStream();
            await TarStreams.ReadSingleFileAsync(tar, content, cancellationToken, MaxPemBytes);
            return Encoding.UTF8.GetString(content.GetBuffer(), 0, (int)content.Length);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (InvalidDataException e)
        {
            _log.Information("{Host}: {Path} is not a PEM file to use: {Error}", helper.Docker.Host, path, e.Message);
            return null;
        }
    }
}
