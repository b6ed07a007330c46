using System.Globalization;
using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Etcd;
using ClusterCtl.Hosts;
using ClusterCtl.Tests.Docker;

namespace ClusterCtl.Tests.Etcd;

/// <summary>When an exec in the etcd container is an answer, and when it only says the container went down under it.</summary>
public class RunningEtcdContainerTests
{
    private const string FirstStart = "2026-12-01T01:41:20.000000000Z";
    private const string NextStart = "2026-12-01T01:41:27.161950803Z";

    private static readonly ClusterNode Node = new("10.213.0.12", 22, "10.213.0.12", "node2", "root", "/var/run/docker.sock",
        NodeRoles.Etcd, new SshCredentials(null, null, null, null));

    [Test]
    public async Task A_failed_exec_in_an_etcd_that_restarted_meanwhile_is_no_answer_so_a_helper_asks_instead()
    {
        await using var daemon = new FakeDockerDaemon(r => FakeDockerDaemon.Negotiation(r, "1.41") ?? Answer(r, exitCode: 137, startedAtAfterwards: NextStart));
        using var docker = new DockerClient(daemon.SocketPath, Node.Address);
        var (node, etcd) = await FindEtcdAsync(docker);

        var result = await RunningEtcdContainer.TryExecAsync(node, etcd, "etcd-version", ["etcd", "--version"], null, Serilog.Core.Logger.None, CancellationToken.None);

        Assert.That(result, Is.Null);
    }

    [Test]
    public async Task A_failed_exec_in_an_etcd_that_still_runs_is_the_commands_own_answer()
    {
        await using var daemon = new FakeDockerDaemon(r => FakeDockerDaemon.Negotiation(r, "1.41") ?? Answer(r, exitCode: 127, startedAtAfterwards: FirstStart));
        using var docker = new DockerClient(daemon.SocketPath, Node.Address);
        var (node, etcd) = await FindEtcdAsync(docker);

        var result = await RunningEtcdContainer.TryExecAsync(node, etcd, "etcdutl-help", ["etcdutl", "--help"], null, Serilog.Core.Logger.None, CancellationToken.None);

        Assert.That(result, Is.Not.Null);
        Assert.That(result!.ExitCode, Is.EqualTo(127));
        Assert.That(result.ContainerName, Is.EqualTo(EtcdContainerSpec.ContainerName));
    }

    private static async Task<(NodeSession Node, ContainerDetails Etcd)> FindEtcdAsync(DockerClient docker)
    {
        var node = new NodeSession(Node, docker, new HelperContainerRunner(docker, "2026-12-01T01-41-09Z-508d58", Serilog.Core.Logger.None));
        var etcd = await RunningEtcdContainer.FindAsync(node, Serilog.Core.Logger.None, CancellationToken.None);
        Assert.That(etcd, Is.Not.Null, "the first inspect finds etcd running");
        return (node, etcd!);
    }

    /// <summary>etcd runs (started at <see cref="FirstStart"/>) until an exec has run; from then on inspect says it started at <paramref name="startedAtAfterwards"/>.</summary>
    private static FakeResponse Answer(FakeRequest request, long exitCode, string startedAtAfterwards) => request.Path switch
    {
        "/v1.41/containers/etcd/json" or "/v1.41/containers/e7cd/json" => Inspect(request.Path.Contains("etcd", StringComparison.Ordinal) ? FirstStart : startedAtAfterwards),
        "/v1.41/containers/e7cd/exec" => new FakeResponse(201, """{"Id":"x1"}"""),
        "/v1.41/exec/x1/start" => new FakeResponse(200, [], "application/vnd.docker.raw-stream"),
        "/v1.41/exec/x1/json" => new FakeResponse(200, "{\"Running\":false,\"ExitCode\":" + exitCode.ToString(CultureInfo.InvariantCulture) + "}"),
        _ => new FakeResponse(404, """{"message":"unexpected"}"""),
    };

    private static FakeResponse Inspect(string startedAt) => new(200,
        "{\"Id\":\"e7cd\",\"Name\":\"/etcd\",\"Image\":\"sha256:1\",\"State\":{\"Status\":\"running\",\"Running\":true,\"StartedAt\":\"" + startedAt + "\"}}");
}
