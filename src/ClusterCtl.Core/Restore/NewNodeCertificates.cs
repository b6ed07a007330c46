using System.Formats.Tar;
using System.Text;
using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Etcd;
using ClusterCtl.Hosts;
using ClusterCtl.Pki;
using Serilog;

namespace ClusterCtl.Restore;

/// <summary>
/// Writes the etcd certificate, key and kube-ca.pem of new nodes, after preflight passed and before the point of no
/// return. They travel as a tar on a helper's stdin (never in an argument or the environment) and land with modes
/// 0644 (certificates) and 0600 (keys). An existing file is kept unless <c>--regenerate-certs</c>. The files this run
/// created are listed, so that a restore refused or interrupted before the point of no return can remove them again
/// and leave the node as it found it.
/// </summary>
internal sealed class NewNodeCertificates(ClusterConfig config, ILogger logger)
{
    private const string SslDirectory = "/etc/kubernetes/ssl";

    private readonly List<(NodeSession Node, string File)> _created = [];

    /// <summary>The files (host paths) this run created, node by node.</summary>
    public IReadOnlyList<(string Host, string Path)> Created => _created.Select(c => (c.Node.Host, config.HostPath($"{SslDirectory}/{c.File}"))).ToList();

    public async Task WriteAsync(ClusterSession session, RestorePlan plan, RestoreOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        var targets = plan.EtcdNodes
            .Where(r => r.IsNewNode && (r.MissingCertificates.Count > 0 || options.RegenerateCertificates))
            .Select(r => session.Nodes.First(n => n.Node.IsEtcd && n.Host == r.Host))
            .ToList();
        if (targets.Count == 0)
        {
            return;
        }

        var ca = options.CertificateAuthority
            ?? throw new ClusterCtlException($"restore refused, nothing was changed: a new node needs certificates; {CertificateAuthorityLocator.WaysToSupply(config)}");
        foreach (var node in targets)
        {
            await WriteNodeAsync(node, ca, options.RegenerateCertificates, session.RunId, cancellationToken);
        }
    }

    /// <summary>Removes the files this run created; for a restore that stopped before the point of no return.</summary>
    public async Task RemoveCreatedAsync()
    {
        foreach (var group in _created.GroupBy(c => c.Node))
        {
            var files = string.Join(' ', group.Select(c => Q($"{SslDirectory}/{c.File}")));
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
                await group.Key.Helpers.RunAsync(Shell("remove-new-certs", $"rm -f -- {files}"), timeout.Token);
                logger.Information("[restore] {Host}: removed the certificates this run made, because the restore did not go ahead", group.Key.Host);
            }
            catch (Exception e) when (e is ClusterCtlException or OperationCanceledException)
            {
                logger.Warning("[restore] {Host}: could not remove the certificates this run made ({Files}): {Error}", group.Key.Host, files, e.Message);
            }
        }

        _created.Clear();
    }

    private async Task WriteNodeAsync(NodeSession node, CertificateAuthorityPem ca, bool regenerate, string runId, CancellationToken cancellationToken)
    {
        var issued = EtcdCertificateBuilder.Build(ca, node.Node, DateTimeOffset.UtcNow);
        var baseName = node.Node.EtcdCertificateBaseName;
        var files = new (string Name, string Text, bool Secret)[]
        {
            ("kube-ca.pem", ca.CertificatePem, false),
            (baseName + ".pem", issued.CertificatePem, false),
            (baseName + "-key.pem", issued.KeyPem, true),
        };
        var tar = BuildTar(files);

        var staging = $"{SslDirectory}/.clusterctl-{runId}";
        var moves = string.Join('\n', files.Select(f => $$"""
            if [ -e {{Q(f.Name)}} ] && [ {{(regenerate ? "yes" : "no")}} = no ]; then echo kept={{f.Name}}; rm -f {{Q(staging + "/" + f.Name)}}
            else
              if [ -e {{Q(f.Name)}} ]; then existed=yes; else existed=no; fi
              chmod {{(f.Secret ? "0600" : "0644")}} {{Q(staging + "/" + f.Name)}}
              mv -f {{Q(staging + "/" + f.Name)}} {{Q(f.Name)}}
              if [ $existed = yes ]; then echo replaced={{f.Name}}; else echo created={{f.Name}}; fi
            fi
            """));
        var script = $$"""
            set -eu
            mkdir -p {{SslDirectory}}
            umask 077
            cd {{SslDirectory}}
            rm -rf {{Q(staging)}}
            mkdir {{Q(staging)}}
            tar -x -f - -C {{Q(staging)}}
            {{moves}}
            rmdir {{Q(staging)}}
            """;
        var result = await node.Helpers.RunWithStdinAsync(Shell("write-new-certs", script),
            async (stdin, ct) => await stdin.WriteAsync(tar, ct), cancellationToken);
        foreach (var line in result.Stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("created=", StringComparison.Ordinal))
            {
                _created.Add((node, line["created=".Length..]));
            }
        }

        if (!result.Succeeded)
        {
            throw new ClusterCtlException($"restore refused: writing the certificates of new node {node.Host} failed: {result.Stderr.Trim()}");
        }

        logger.Information("[restore] {Host}: new node: {Written}", node.Host, string.Join(", ",
            result.Stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(l => l.Replace('=', ' '))));
    }

    private static byte[] BuildTar(IEnumerable<(string Name, string Text, bool Secret)> files)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var (name, text, secret) in files)
            {
                var entry = new UstarTarEntry(TarEntryType.RegularFile, name)
                {
                    Mode = secret ? UnixFileMode.UserRead | UnixFileMode.UserWrite : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    DataStream = new MemoryStream(Encoding.ASCII.GetBytes(text)),
                };
                writer.WriteEntry(entry);
            }
        }

        return buffer.ToArray();
    }

    private HelperSpec Shell(string purpose, string script) =>
        EtcdHelperSpecs.AlpineShell(config, purpose, script, [$"{config.KubernetesDirectory}:{EtcdHelperSpecs.KubernetesDirectoryInContainer}"]);

    private static string Q(string value) => SshQuoting.ShellQuote(value);
}
