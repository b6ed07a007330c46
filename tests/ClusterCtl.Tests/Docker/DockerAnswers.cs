using ClusterCtl.Docker;

namespace ClusterCtl.Tests.Docker;

/// <summary>Daemon answers read the way the client reads them: served by a fake daemon, parsed by the library, mapped by us.</summary>
internal static class DockerAnswers
{
    public static async Task<ContainerDetails> InspectAsync(string json)
    {
        await using var daemon = new FakeDockerDaemon(r => FakeDockerDaemon.Negotiation(r, "1.41") ?? new FakeResponse(200, json));
        using var client = new DockerClient(daemon.SocketPath, "10.213.0.11");
        return await client.InspectContainerAsync("c", CancellationToken.None) ?? throw new InvalidOperationException("no container");
    }

    public static async Task<IReadOnlyList<ContainerSummary>> ListAsync(string json)
    {
        await using var daemon = new FakeDockerDaemon(r => FakeDockerDaemon.Negotiation(r, "1.41") ?? new FakeResponse(200, json));
        using var client = new DockerClient(daemon.SocketPath, "10.213.0.11");
        return await client.ListContainersAsync(all: true, filters: null, CancellationToken.None);
    }
}
