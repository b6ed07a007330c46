using System.Runtime.Versioning;
using ClusterCtl.Hosts;
using Serilog.Core;

namespace ClusterCtl.Tests.Hosts;

/// <summary>What the connector decides without starting ssh; the tests that run a (fake) ssh are in the integration project.</summary>
[UnsupportedOSPlatform("windows")]
public class HostConnectorTests
{
    [Test]
    public async Task Disposing_removes_the_runtime_directory_it_created()
    {
        var connector = new HostConnector(new SshClientOptions(), Logger.None);
        var path = connector.RuntimeDirectory.Path;

        await connector.DisposeAsync();
        await connector.DisposeAsync();

        Assert.That(Directory.Exists(path), Is.False);
    }

    [Test]
    public async Task A_runtime_directory_passed_in_is_left_to_its_owner()
    {
        using var runtime = SshRuntimeDirectory.Create(Path.GetTempPath());

        await new HostConnector(new SshClientOptions(), Logger.None, runtime).DisposeAsync();

        Assert.That(Directory.Exists(runtime.Path), Is.True);
    }

    [Test]
    public async Task The_same_host_twice_is_refused()
    {
        await using var connector = new HostConnector(new SshClientOptions(), Logger.None);

        Assert.That(async () => await connector.ConnectAsync([Node("10.213.0.11"), Node("10.213.0.11")], CancellationToken.None),
            Throws.ArgumentException.With.Message.Contains("10.213.0.11"));
    }

    private static SshEndpoint Node(string address) => new(address, address, "root");
}
