using System.Formats.Tar;
using System.Text;
using System.Text.Json;
using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Hosts;
using ClusterCtl.Pki;
using ClusterCtl.Tests.Docker;
using Serilog.Core;

namespace ClusterCtl.Tests.Pki;

/// <summary>
/// The kube-ca files of a control-plane node, read against a fake daemon that serves them both ways a helper could get
/// them out: its logs (what a helper that cats them would have logged) and the archive endpoint. Only the archive may
/// carry the key, and only when a node needs certificates.
/// </summary>
public class CertificateAuthorityOnNodeTests
{
    private const string CertificatePem = "-----BEGIN CERTIFICATE-----\nMIIcert\n-----END CERTIFICATE-----\n";
    private const string KeyPem = "-----BEGIN RSA PRIVATE KEY-----\nMIIkey\n-----END RSA PRIVATE KEY-----\n";

    private string _directory = null!;
    private ClusterConfig _config = null!;

    [SetUp]
    public void CreateConfigWithoutStateFile()
    {
        _directory = Directory.CreateTempSubdirectory("clusterctl-ca-node-").FullName;
        _config = ClusterConfigLoader.Parse("""
            nodes:
            - {address: 10.213.1.11, user: root, role: [etcd, controlplane]}
            """, Path.Combine(_directory, "cluster.yml"));
    }

    [TearDown]
    public void RemoveConfigDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task The_ca_key_comes_through_the_archive_endpoint_and_never_through_a_containers_logs()
    {
        await using var daemon = new FakeDockerDaemon(r => FakeDockerDaemon.Negotiation(r, "1.41") ?? Node(r, keyPresent: true));
        using var docker = new DockerClient(daemon.SocketPath, "10.213.1.11");
        var source = Locator().Source([Session(docker)], null, null);

        var ca = await source.GetAsync(CancellationToken.None);

        Assert.That(ca, Is.Not.Null);
        Assert.That(ca!.KeyPem, Is.EqualTo(KeyPem));
        Assert.That(ca.CertificatePem, Is.EqualTo(CertificatePem));
        Assert.That(daemon.Requests.Where(r => r.Path.EndsWith("/logs", StringComparison.Ordinal)), Is.Empty, "no container log was read");
        Assert.That(daemon.Requests.Where(r => r.Path.EndsWith("/archive", StringComparison.Ordinal)).Select(r => r.QueryValue("path")),
            Does.Contain(CertificateAuthorityLocator.CaKeyFile));
        Assert.That(CreatedCommands(daemon).SelectMany(c => c), Has.None.Contains("kube-ca"), "no helper's command names the CA files");
        Assert.That(daemon.Requests.Count(r => r.Method == "DELETE"), Is.EqualTo(1), "the reading helper is removed");
    }

    [Test]
    public async Task A_node_without_the_ca_key_gives_no_ca()
    {
        await using var daemon = new FakeDockerDaemon(r => FakeDockerDaemon.Negotiation(r, "1.41") ?? Node(r, keyPresent: false));
        using var docker = new DockerClient(daemon.SocketPath, "10.213.1.11");

        var ca = await Locator().FindOnNodesAsync([Session(docker)], CancellationToken.None);

        Assert.That(ca, Is.Null);
        Assert.That(daemon.Requests.Count(r => r.Method == "DELETE"), Is.EqualTo(1), "the reading helper is removed");
    }

    [Test]
    public async Task The_nodes_are_not_asked_for_the_ca_until_a_node_needs_certificates_and_then_only_once()
    {
        await using var daemon = new FakeDockerDaemon(r => FakeDockerDaemon.Negotiation(r, "1.41") ?? Node(r, keyPresent: true));
        using var docker = new DockerClient(daemon.SocketPath, "10.213.1.11");

        var source = Locator().Source([Session(docker)], null, null);

        Assert.That(daemon.Requests, Is.Empty, "making the source reads nothing");
        await source.GetAsync(CancellationToken.None);
        await source.GetAsync(CancellationToken.None);
        Assert.That(CreatedCommands(daemon), Has.Count.EqualTo(1), "one helper for two questions");
    }

    [Test]
    public async Task A_ca_from_the_flags_means_no_node_is_asked()
    {
        await using var daemon = new FakeDockerDaemon(r => FakeDockerDaemon.Negotiation(r, "1.41") ?? Node(r, keyPresent: true));
        using var docker = new DockerClient(daemon.SocketPath, "10.213.1.11");
        File.WriteAllText(Path.Combine(_directory, "ca.pem"), "FLAG-CERT");
        File.WriteAllText(Path.Combine(_directory, "ca-key.pem"), "FLAG-KEY");

        var ca = await Locator().Source([Session(docker)], Path.Combine(_directory, "ca.pem"), Path.Combine(_directory, "ca-key.pem")).GetAsync(CancellationToken.None);

        Assert.That(ca!.KeyPem, Is.EqualTo("FLAG-KEY"));
        Assert.That(daemon.Requests, Is.Empty);
    }

    private CertificateAuthorityLocator Locator() => new(_config, Logger.None);

    private NodeSession Session(DockerClient docker) =>
        new(_config.Nodes[0], docker, new HelperContainerRunner(docker, "20261205T120000-0a1b2c3d", Logger.None));

    private static List<List<string>> CreatedCommands(FakeDockerDaemon daemon) => daemon.Requests
        .Where(r => r.Path.EndsWith("/containers/create", StringComparison.Ordinal))
        .Select(r =>
        {
            using var body = JsonDocument.Parse(r.Body);
            return body.RootElement.GetProperty("Cmd").EnumerateArray().Select(e => e.GetString()!).ToList();
        })
        .ToList();

    /// <summary>
    /// A control-plane node with kube-ca.pem (and kube-ca-key.pem when <paramref name="keyPresent"/>) in
    /// /etc/kubernetes/ssl: any helper's logs hold both files, as a helper that cats them would have logged them.
    /// </summary>
    private static FakeResponse Node(FakeRequest request, bool keyPresent)
    {
        var files = new Dictionary<string, string> { ["/etc/kubernetes/ssl/kube-ca.pem"] = CertificatePem };
        if (keyPresent)
        {
            files[CertificateAuthorityLocator.CaKeyFile] = KeyPem;
        }

        return FakeDockerDaemon.AnyContainerInspect(request) ?? request.Path switch
        {
            var p when p.Contains("/images/", StringComparison.Ordinal) => new FakeResponse(200, """{"Id":"sha256:1","Size":1}"""),
            var p when p.EndsWith("/containers/create", StringComparison.Ordinal) => new FakeResponse(201, """{"Id":"c1","Warnings":null}"""),
            var p when p.EndsWith("/wait", StringComparison.Ordinal) => new FakeResponse(200, """{"StatusCode":0}"""),
            var p when p.EndsWith("/logs", StringComparison.Ordinal) => new FakeResponse(200,
                Stdout(string.Join("--clusterctl-kube-ca-key--\n", files.Values)), "application/vnd.docker.raw-stream"),
            var p when p.EndsWith("/archive", StringComparison.Ordinal) && request.Method == "GET" =>
                files.TryGetValue(request.QueryValue("path") ?? "", out var text)
                    ? FakeDockerDaemon.Archive(Path.GetFileName(request.QueryValue("path")!), Tar(Path.GetFileName(request.QueryValue("path")!), text))
                    : new FakeResponse(404, """{"message":"Could not find the file in container c1"}"""),
            _ => new FakeResponse(204),
        };
    }

    private static byte[] Stdout(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var frame = new byte[8 + payload.Length];
        frame[0] = 1;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)payload.Length);
        payload.CopyTo(frame, 8);
        return frame;
    }

    private static byte[] Tar(string name, string text)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) });
        }

        return buffer.ToArray();
    }
}
