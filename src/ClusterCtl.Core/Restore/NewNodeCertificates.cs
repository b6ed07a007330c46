using System.Formats.Tar;
using System.Globalization;
using System.Text;
using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Hosts;
using ClusterCtl.Logging;
using ClusterCtl.Pki;
using ClusterCtl.Services;
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
    private readonly ILogger _log = logger.ForScope("restore");

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

        var ca = (options.CertificateAuthority is { } source ? await source.GetAsync(cancellationToken) : null)
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
            if (await group.Key.Helpers.TryCleanUpAsync(Shell("remove-new-certs", RemoveScript(group.Select(c => c.File)))) is { } problem)
            {
                var files = string.Join(' ', group.Select(c => c.File));
                _log.Warning("{Host}: could not remove the certificates this run made ({Files}): {Error}", group.Key.Host, files, problem);
            }
            else
            {
                _log.Information("{Host}: removed the certificates this run made, because the restore did not go ahead", group.Key.Host);
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

        var script = WriteScript(StagingName(runId), files.Select(f => (f.Name, f.Secret)), regenerate);
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

        _log.Information("{Host}: new node: {Written}", node.Host, string.Join(", ",
            result.Stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(l => l.Replace('=', ' '))));
    }

    /// <summary>The directory under /etc/kubernetes/ssl where this run's files are unpacked before they are moved into place.</summary>
    public static string StagingName(string runId) => ".clusterctl-" + runId;

    /// <summary>
    /// Unpacks the tar on stdin into <paramref name="stagingName"/> and moves each file into place, keeping an existing
    /// one unless <paramref name="regenerate"/>; prints created=, replaced= or kept= per file. The file names carry the
    /// node's internal address, so they reach the script as variables (CLUSTERCTL_FILE_1, ...), never as its text.
    /// </summary>
    public static HelperScript WriteScript(string stagingName, IEnumerable<(string Name, bool Secret)> files, bool regenerate)
    {
        var list = files.ToList();
        return HelperScript.FromResource("restore-write-new-certs.sh",
        [
            SslDirectoryVariable,
            ("STAGING", stagingName),
            ("REGENERATE", regenerate ? "yes" : "no"),
            ("FILE_COUNT", list.Count.ToString(CultureInfo.InvariantCulture)),
            .. HelperScript.Numbered(FileVariable, list.Select(f => f.Name)),
            .. HelperScript.Numbered(ModeVariable, list.Select(f => f.Secret ? "0600" : "0644")),
        ]);
    }

    /// <summary>Removes the named files of /etc/kubernetes/ssl; the names reach the script as variables.</summary>
    public static HelperScript RemoveScript(IEnumerable<string> files) => NodeFileScripts.RemoveFiles(SslDirectory, files);

    // The write script reads the file names and modes as CLUSTERCTL_FILE_1, CLUSTERCTL_MODE_1, ...
    private const string FileVariable = "CLUSTERCTL_FILE";
    private const string ModeVariable = "CLUSTERCTL_MODE";

    private static readonly (string, string) SslDirectoryVariable = ("SSL_DIR", SslDirectory);

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

    private HelperSpec Shell(string purpose, HelperScript script) =>
        NodeHelperSpecs.AlpineShell(config, purpose, script, [$"{config.KubernetesDirectory}:{NodeHelperSpecs.KubernetesDirectoryInContainer}"]);
}
