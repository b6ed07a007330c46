using ClusterCtl.Etcd;

namespace ClusterCtl.IntegrationTests.Etcd;

/// <summary>Where etcdctl runs: in the node's etcd container while it runs, in a one-shot helper when it does not.</summary>
[NonParallelizable]
public class EtcdctlRunnerTests
{
    [Test]
    public async Task Etcdctl_runs_in_the_etcd_container_while_it_runs_and_in_a_helper_when_it_is_stopped()
    {
        var config = TestbedSession.LoadConfig();
        await using var session = await TestbedSession.OpenAsync();
        var node = session.Nodes[0];
        var endpoints = session.Nodes.Select(n => n.Node.EtcdClientUrl).ToList();
        var runner = new EtcdctlRunner(config, TestbedSession.Logger);
        string[] health = ["endpoint", "health", "-w", "json"];

        var inEtcd = await runner.RunAsync(node, "runner-test", endpoints, TimeSpan.FromSeconds(4), health, CancellationToken.None);
        Assert.That(inEtcd.ContainerName, Is.EqualTo(EtcdContainerSpec.ContainerName));
        Assert.That(EtcdctlJson.ParseEndpointHealth("testbed", inEtcd.Stdout).Select(h => (h.Endpoint, h.Healthy)), Is.EquivalentTo(endpoints.Select(e => (e, true))));

        await node.Docker.StopContainerAsync(EtcdContainerSpec.ContainerName, TimeSpan.FromSeconds(30), CancellationToken.None);
        try
        {
            var inHelper = await runner.RunAsync(node, "runner-test", endpoints, TimeSpan.FromSeconds(4), health, CancellationToken.None);

            Assert.That(inHelper.ContainerName, Does.StartWith("runner-test-"));
            var verdicts = EtcdctlJson.ParseEndpointHealth("testbed", inHelper.Stdout).ToDictionary(h => h.Endpoint, h => h.Healthy);
            Assert.That(verdicts[node.Node.EtcdClientUrl], Is.False, "the stopped member");
            Assert.That(endpoints.Skip(1).Select(e => verdicts[e]), Is.All.True, "the others answer through the helper");
        }
        finally
        {
            await node.Docker.StartContainerAsync(EtcdContainerSpec.ContainerName, CancellationToken.None);
            await new EtcdClusterHealth(config, TestbedSession.Logger).WaitHealthyAsync(session.Nodes, 1, memberIds: null, TimeSpan.FromSeconds(60), CancellationToken.None);
        }
    }
}
