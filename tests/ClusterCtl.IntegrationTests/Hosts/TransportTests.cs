using System.Formats.Tar;
using System.IO.Pipelines;
using System.Security.Cryptography;
using ClusterCtl.Docker;
using ClusterCtl.Hosts;

namespace ClusterCtl.IntegrationTests.Hosts;

/// <summary>The SSH transport and the Docker client, end to end: real sshd, real dockerd, in the testbed's namespaces.</summary>
[NonParallelizable]
public class TransportTests
{
    [Test]
    public async Task Tunnels_to_three_nodes_open_in_parallel_and_negotiate_the_API_version()
    {
        await using var session = await TestbedSession.OpenAsync();

        Assert.That(session.Unreachable, Is.Empty);
        Assert.That(session.Nodes.Select(n => n.Host), Is.EquivalentTo(Enumerable.Range(1, Testbed.NodeCount).Select(Testbed.NodeAddress)));
        foreach (var node in session.Nodes)
        {
            // dockerd 20.10 speaks 1.41, below our ceiling of 1.43: the negotiated version is the daemon's.
            Assert.That(node.Docker.ApiVersion, Is.EqualTo(new Version(1, 41)), node.Host);
        }
    }

    [Test]
    public async Task A_one_shot_helper_returns_stdout_and_stderr_and_is_removed()
    {
        await using var session = await TestbedSession.OpenAsync();
        var node = session.Nodes[0];

        var result = await node.Helpers.RunAsync(new HelperSpec
        {
            Purpose = "echo-test",
            Image = TestbedSession.LoadConfig().Images.Alpine,
            Entrypoint = ["sh", "-c"],
            Cmd = ["echo to-stdout; echo to-stderr >&2; exit 3"],
        }, CancellationToken.None);

        Assert.That(result.ExitCode, Is.EqualTo(3));
        Assert.That(result.Stdout.Trim(), Is.EqualTo("to-stdout"));
        Assert.That(result.Stderr.Trim(), Is.EqualTo("to-stderr"));
        var left = await node.Docker.ListContainersAsync(true, new Dictionary<string, IReadOnlyList<string>> { ["label"] = [$"{HelperLabels.RunId}={session.RunId}"] }, CancellationToken.None);
        Assert.That(left, Is.Empty, "the helper container is removed after it ran");
    }

    [Test]
    public async Task An_exec_in_a_running_container_returns_its_output_and_exit_code_and_a_stopped_one_refuses()
    {
        await using var session = await TestbedSession.OpenAsync();
        var node = session.Nodes[2];
        await using var helper = await StartIdleHelperAsync(node, "exec-test");

        var result = await node.Docker.ExecAsync(helper.Id, ["sh", "-c", "echo \"out $GREETING\"; echo err >&2; exit 4"], ["GREETING=from-exec"], CancellationToken.None);

        Assert.That(result.ExitCode, Is.EqualTo(4));
        Assert.That(result.Stdout.Trim(), Is.EqualTo("out from-exec"));
        Assert.That(result.Stderr.Trim(), Is.EqualTo("err"));
        await node.Docker.StopContainerAsync(helper.Id, TimeSpan.FromSeconds(5), CancellationToken.None);
        var refused = Assert.ThrowsAsync<DockerApiException>(() => node.Docker.ExecAsync(helper.Id, ["true"], null, CancellationToken.None));
        Assert.That(refused.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Conflict));
    }

    [Test]
    public async Task Shareable_helpers_run_in_one_container_that_is_gone_when_the_sharing_ends()
    {
        await using var session = await TestbedSession.OpenAsync();
        var node = session.Nodes[0];
        var spec = new HelperSpec
        {
            Purpose = "share-test",
            Image = TestbedSession.LoadConfig().Images.Alpine,
            Entrypoint = ["sh", "-c"],
            Cmd = ["hostname"],
            Shareable = true,
        };

        HelperResult first, second;
        await using (node.Helpers.ShareContainers())
        {
            first = await node.Helpers.RunAsync(spec, CancellationToken.None);
            second = await node.Helpers.RunAsync(spec with { Purpose = "share-test-2" }, CancellationToken.None);
        }

        var alone = await node.Helpers.RunAsync(spec, CancellationToken.None);
        Assert.That(first.Succeeded && second.Succeeded && alone.Succeeded, Is.True);
        Assert.That(second.Stdout, Is.EqualTo(first.Stdout), "both ran in the same container");
        Assert.That(alone.Stdout, Is.Not.EqualTo(first.Stdout), "outside the sharing, a helper has a container of its own");
        var left = await node.Docker.ListContainersAsync(true, new Dictionary<string, IReadOnlyList<string>> { ["label"] = [$"{HelperLabels.RunId}={session.RunId}"] }, CancellationToken.None);
        Assert.That(left, Is.Empty, "the shared container is removed when the sharing ends");
    }

    [Test]
    public async Task A_100_MB_file_survives_an_archive_PUT_and_GET_byte_for_byte()
    {
        const long size = 100L * 1024 * 1024;
        await using var session = await TestbedSession.OpenAsync();
        var node = session.Nodes[1];
        await using var helper = await StartIdleHelperAsync(node, "archive-test", "mkdir -p /data; ");

        using var sentHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // Written while it is sent, so the body's length is unknown and it goes chunked.
        var pipe = new Pipe();
        var writing = Task.Run(async () =>
        {
            await using var source = new HashingRandomStream(size, seed: 42, sentHash);
            await TarStreams.WriteSingleFileAsync(pipe.Writer.AsStream(), "payload.bin", source, size, UnixFileMode.UserRead | UnixFileMode.UserWrite, CancellationToken.None);
            await pipe.Writer.CompleteAsync();
        });
        await node.Docker.PutArchiveAsync(helper.Id, "/tmp", pipe.Reader.AsStream(), CancellationToken.None);
        await writing;

        await using var archive = await node.Docker.GetArchiveAsync(helper.Id, "/tmp/payload.bin", CancellationToken.None);
        await using var received = new HashingSink();
        var info = await TarStreams.ReadSingleFileAsync(archive, received, CancellationToken.None);

        Assert.That(info.Length, Is.EqualTo(size));
        Assert.That(received.Sha256(), Is.EqualTo(Convert.ToHexStringLower(sentHash.GetHashAndReset())));
    }

    [Test]
    public async Task A_stream_of_unknown_length_reaches_a_helpers_stdin_intact()
    {
        const long size = 30L * 1024 * 1024;
        await using var session = await TestbedSession.OpenAsync();
        using var sentHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        var result = await session.Nodes[2].Helpers.RunWithStdinAsync(new HelperSpec
        {
            Purpose = "stdin-test",
            Image = TestbedSession.LoadConfig().Images.Alpine,
            Entrypoint = ["sh", "-c"],
            Cmd = ["sha256sum | cut -d' ' -f1"],
        }, async (stdin, ct) =>
        {
            await using var source = new HashingRandomStream(size, seed: 7, sentHash);
            await source.CopyToAsync(stdin, ct);
        }, CancellationToken.None);

        Assert.That(result.ExitCode, Is.Zero, result.Stderr);
        Assert.That(result.Stdout.Trim(), Is.EqualTo(Convert.ToHexStringLower(sentHash.GetHashAndReset())));
    }

    [Test]
    public async Task Pulling_an_image_that_does_not_exist_fails_with_the_daemons_message()
    {
        await using var session = await TestbedSession.OpenAsync();

        // A registry on the node's own loopback: nothing listens there, so the pull fails at once and nothing leaves the machine.
        var e = Assert.ThrowsAsync<DockerApiException>(() =>
            session.Nodes[0].Docker.PullImageAsync("127.0.0.1:5999/none:1", null, null, CancellationToken.None));

        Assert.That(e!.Message, Does.Contain(session.Nodes[0].Host));
        Assert.That(e.DaemonMessage, Does.Contain("127.0.0.1:5999"));
    }

    [Test]
    public async Task A_changed_host_key_is_refused()
    {
        var knownHosts = Testbed.NewKnownHostsFile();
        await using (var first = await TestbedSession.OpenAsync(knownHosts))
        {
            Assert.That(first.Unreachable, Is.Empty, "first contact records the keys");
        }

        await Testbed.RunAsync("rekey", "3");
        try
        {
            await using var second = await TestbedSession.OpenAsync(knownHosts);

            var node3 = second.Unreachable.Single();
            Assert.That(node3.Key.Address, Is.EqualTo(Testbed.NodeAddress(3)));
            Assert.That(node3.Value, Is.InstanceOf<HostConnectionException>());
            Assert.That(((HostConnectionException)node3.Value).Failure, Is.EqualTo(HostConnectionFailure.HostKeyChanged));
            Assert.That(node3.Value.Message, Does.Contain("host key"));
            Assert.That(second.Nodes, Has.Count.EqualTo(Testbed.NodeCount - 1));
        }
        finally
        {
            await Testbed.RunAsync("unrekey", "3");
        }
    }

    [Test]
    public async Task An_unreachable_host_is_reported_by_name()
    {
        await Testbed.RunAsync("cut", "2");
        try
        {
            await using var session = await TestbedSession.OpenAsync();

            var failure = session.Unreachable.Single();
            Assert.That(failure.Key.Address, Is.EqualTo(Testbed.NodeAddress(2)));
            Assert.That(failure.Value.Message, Does.StartWith(Testbed.NodeAddress(2)));
            Assert.That(session.Nodes, Has.Count.EqualTo(Testbed.NodeCount - 1));
        }
        finally
        {
            await Testbed.RunAsync("heal", "2");
        }
    }

    [Test]
    public async Task Helpers_left_by_a_crashed_run_are_removed_when_the_next_run_starts()
    {
        var leftover = "etcd-snapshot-once-crashed" + Guid.NewGuid().ToString("N")[..6];
        await Testbed.RunAsync("docker", "1", "run", "-d", "--name", leftover,
            "--label", $"{HelperLabels.Helper}=true", "--label", $"{HelperLabels.RunId}=20200101T000000-dead",
            TestbedSession.LoadConfig().Images.Alpine, "sleep", "600");

        await using var session = await TestbedSession.OpenAsync();
        await using (await session.LockAsync(TestbedSession.LoadConfig(), "test", TestbedSession.Logger, CancellationToken.None))
        {
            var stillThere = await session.Nodes[0].Docker.FindContainerByNameAsync(leftover, CancellationToken.None);
            Assert.That(stillThere, Is.Null);
        }
    }

    [Test]
    public async Task A_second_run_is_refused_while_the_cluster_lock_is_held_and_admitted_after()
    {
        var config = TestbedSession.LoadConfig();
        await using var first = await TestbedSession.OpenAsync();
        await using var second = await TestbedSession.OpenAsync();

        await using (await first.LockAsync(config, "etcd snapshot-save", TestbedSession.Logger, CancellationToken.None))
        {
            var e = Assert.ThrowsAsync<ClusterCtlException>(() => second.LockAsync(config, "etcd snapshot-restore", TestbedSession.Logger, CancellationToken.None));
            Assert.That(e!.Message, Does.Contain("locked by 'etcd snapshot-save'").And.Contain(first.RunId));
            Assert.That(e.ExitCode, Is.EqualTo(ExitCodes.Failed));
        }

        await using (await second.LockAsync(config, "etcd snapshot-restore", TestbedSession.Logger, CancellationToken.None))
        {
            var holder = await second.Nodes[0].Docker.InspectContainerAsync(ClusterLock.ContainerName, CancellationToken.None);
            Assert.That(holder?.Config.Labels?[HelperLabels.RunId], Is.EqualTo(second.RunId), "the lock is free again once the first run released it");
        }
    }

    /// <summary>An alpine helper that idles (after <paramref name="setup"/>) until it is removed.</summary>
    private static Task<RunningHelper> StartIdleHelperAsync(NodeSession node, string purpose, string setup = "") =>
        node.Helpers.StartAsync(new HelperSpec
        {
            Purpose = purpose,
            Image = TestbedSession.LoadConfig().Images.Alpine,
            Entrypoint = ["sh", "-c"],
            Cmd = [$"trap 'exit 0' TERM; {setup}sleep 600 & wait"],
        }, CancellationToken.None);
}
