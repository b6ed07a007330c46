using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ClusterCtl.Docker;
using Serilog;

namespace ClusterCtl.Tests.Docker;

/// <summary>The runner's promises (labels, names, always removing) against <see cref="FakeDockerDaemon"/>.</summary>
public class HelperContainerRunnerTests
{
    private const string RunId = "2026-11-21T10-27-42Z-7f3a9c";

    private static readonly string[] ExpectedLeftoverNames = ["etcd-snapshot-once-crashed", "no-run-id"];
    private static readonly string[] ExpectedLeftoverIds = ["old1", "old2"];

    private static readonly HelperSpec Echo = new() { Purpose = "etcd-snapshot-once", Image = "local/busybox:1", Cmd = ["sh", "-c", "echo hi"] };

    [Test]
    public void Helper_names_are_purpose_and_the_end_of_the_run_id()
    {
        using var docker = new DockerClient("/nonexistent.sock", "h");
        var runner = new HelperContainerRunner(docker, RunId, Serilog.Core.Logger.None);

        Assert.That(runner.ShortRunId, Is.EqualTo("02742z7f3a9c"));
        Assert.That(runner.NameFor(Echo), Is.EqualTo("etcd-snapshot-once-" + runner.ShortRunId));
        Assert.That(runner.NameFor(Echo with { Name = "exact-name" }), Is.EqualTo("exact-name"));
        Assert.Throws<ArgumentException>(() => runner.NameFor(Echo with { Name = "bad name" }));
    }

    [Test]
    public async Task A_helper_run_labels_the_container_collects_output_and_removes_it()
    {
        await using var daemon = new FakeDockerDaemon(r => FakeDockerDaemon.Negotiation(r, "1.41") ?? Answer(r, exitCode: 0));
        using var docker = new DockerClient(daemon.SocketPath, "10.213.0.11");
        var runner = new HelperContainerRunner(docker, RunId, Serilog.Core.Logger.None);

        var result = await runner.RunAsync(Echo, CancellationToken.None);

        Assert.That(result, Is.EqualTo(new HelperResult(0, "hello\n", "warning\n") { ContainerName = runner.NameFor(Echo) }));
        var create = daemon.Requests.Single(r => r.Path.EndsWith("/containers/create", StringComparison.Ordinal));
        using var body = JsonDocument.Parse(create.Body);
        var labels = body.RootElement.GetProperty("Labels");
        Assert.That(labels.GetProperty(HelperLabels.Helper).GetString(), Is.EqualTo("true"));
        Assert.That(labels.GetProperty(HelperLabels.RunId).GetString(), Is.EqualTo(RunId));
        Assert.That(Removals(daemon), Is.EqualTo(1));
    }

    [Test]
    public async Task A_helper_that_fails_to_start_is_still_removed()
    {
        await using var daemon = new FakeDockerDaemon(r => FakeDockerDaemon.Negotiation(r, "1.41")
            ?? (r.Path.EndsWith("/start", StringComparison.Ordinal) ? new FakeResponse(500, """{"message":"OCI runtime create failed"}""") : Answer(r, 0)));
        using var docker = new DockerClient(daemon.SocketPath, "10.213.0.11");
        var runner = new HelperContainerRunner(docker, RunId, Serilog.Core.Logger.None);

        var error = Assert.ThrowsAsync<DockerApiException>(() => runner.RunAsync(Echo, CancellationToken.None));

        Assert.That(error.DaemonMessage, Is.EqualTo("OCI runtime create failed"));
        Assert.That(Removals(daemon), Is.EqualTo(1));
    }

    [Test]
    public async Task A_cancelled_helper_is_still_removed()
    {
        using var held = new HeldAnswer();
        await using var daemon = new FakeDockerDaemon(r => r.Path.EndsWith("/wait", StringComparison.Ordinal)
            ? held.Take()
            : Task.FromResult(FakeDockerDaemon.Negotiation(r, "1.41") ?? Answer(r, 0)));
        using var docker = new DockerClient(daemon.SocketPath, "10.213.0.11");
        var runner = new HelperContainerRunner(docker, RunId, Serilog.Core.Logger.None);
        using var cancellation = new CancellationTokenSource();

        var running = runner.RunAsync(Echo, cancellation.Token);
        await Task.WhenAny(held.Asked.Task, running);
        await cancellation.CancelAsync();

        Assert.That(async () => await running, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(held.Asked.Task.IsCompleted, Is.True, "cancelled while the helper ran, after its container was created");
        Assert.That(Removals(daemon), Is.EqualTo(1));
    }

    [Test]
    public async Task Requiring_success_turns_a_non_zero_exit_into_an_error_quoting_stderr()
    {
        await using var daemon = new FakeDockerDaemon(r => FakeDockerDaemon.Negotiation(r, "1.41") ?? Answer(r, exitCode: 2));
        using var docker = new DockerClient(daemon.SocketPath, "10.213.0.11");
        var runner = new HelperContainerRunner(docker, RunId, Serilog.Core.Logger.None);

        var error = Assert.ThrowsAsync<HelperFailedException>(() => runner.RunAndRequireSuccessAsync(Echo, CancellationToken.None));

        Assert.That(error.Message, Does.StartWith($"helper container {runner.NameFor(Echo)} on 10.213.0.11 exited with code 2"));
        Assert.That(error.Message, Does.Contain("warning"));
        Assert.That(error.ContainerExitCode, Is.EqualTo(2));
        Assert.That(error.ExitCode, Is.EqualTo(ExitCodes.Failed));
    }

    [Test]
    public async Task A_clean_up_says_why_it_failed_instead_of_throwing_and_null_when_it_succeeded()
    {
        await using var failing = new FakeDockerDaemon(r => FakeDockerDaemon.Negotiation(r, "1.41") ?? Answer(r, exitCode: 1));
        await using var refusing = new FakeDockerDaemon(r => FakeDockerDaemon.Negotiation(r, "1.41")
            ?? (r.Path.EndsWith("/start", StringComparison.Ordinal) ? new FakeResponse(500, """{"message":"no space left on device"}""") : Answer(r, 0)));
        await using var working = new FakeDockerDaemon(r => FakeDockerDaemon.Negotiation(r, "1.41") ?? Answer(r, exitCode: 0));

        Assert.That(await CleanUpAsync(failing), Is.EqualTo("warning"), "the last line of stderr");
        Assert.That(await CleanUpAsync(refusing), Does.Contain("no space left on device"));
        Assert.That(await CleanUpAsync(working), Is.Null);

        static async Task<string?> CleanUpAsync(FakeDockerDaemon daemon)
        {
            using var docker = new DockerClient(daemon.SocketPath, "10.213.0.11");
            return await new HelperContainerRunner(docker, RunId, Serilog.Core.Logger.None).TryCleanUpAsync(Echo);
        }
    }

    [Test]
    public async Task Leftovers_of_other_runs_are_removed_and_this_runs_helpers_kept()
    {
        await using var daemon = new FakeDockerDaemon(r => FakeDockerDaemon.Negotiation(r, "1.41") ?? (r.Method switch
        {
            "GET" => new FakeResponse(200, $$$"""
                [{"Id":"old1","Names":["/etcd-snapshot-once-crashed"],"State":"exited","Labels":{"{{{HelperLabels.Helper}}}":"true","{{{HelperLabels.RunId}}}":"crashed"}},
                 {"Id":"mine","Names":["/archive-target-x"],"State":"running","Labels":{"{{{HelperLabels.Helper}}}":"true","{{{HelperLabels.RunId}}}":"{{{RunId}}}"}},
                 {"Id":"old2","Names":["/no-run-id"],"State":"created","Labels":{"{{{HelperLabels.Helper}}}":"true"}}]
                """),
            _ => new FakeResponse(204),
        }));
        using var docker = new DockerClient(daemon.SocketPath, "10.213.0.11");
        var runner = new HelperContainerRunner(docker, RunId, Serilog.Core.Logger.None);

        var removed = await runner.RemoveLeftoversAsync(includeLiveReadOnlyRuns: false, CancellationToken.None);

        Assert.That(removed, Is.EqualTo(ExpectedLeftoverNames));
        var list = daemon.Requests.Single(r => r.Method == "GET" && r.Path.EndsWith("/containers/json", StringComparison.Ordinal));
        Assert.That(list.QueryValue("filters"), Is.EqualTo("""{"label":{"io.clusterctl.helper":true}}"""));
        Assert.That(list.QueryFlag("all"), Is.True);
        var deleted = daemon.Requests.Where(r => r.Method == "DELETE").Select(r => r.Path.Split('/').Last());
        Assert.That(deleted, Is.EquivalentTo(ExpectedLeftoverIds));
        Assert.That(daemon.Requests.Where(r => r.Method == "DELETE").Select(r => r.QueryFlag("force")), Is.All.True);
    }

    [Test]
    public async Task Helpers_are_labelled_read_only_until_the_run_holds_the_lock_and_carry_their_owner()
    {
        await using var daemon = new FakeDockerDaemon(r => FakeDockerDaemon.Negotiation(r, "1.41") ?? Answer(r, exitCode: 0));
        using var docker = new DockerClient(daemon.SocketPath, "10.213.0.11");
        var runner = new HelperContainerRunner(docker, RunId, Serilog.Core.Logger.None);

        await runner.RunAsync(Echo, CancellationToken.None);
        runner.RunHoldsLock = true;
        await runner.RunAsync(Echo, CancellationToken.None);

        var labels = daemon.Requests.Where(r => r.Path.EndsWith("/containers/create", StringComparison.Ordinal))
            .Select(r => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(r.Body)!["Labels"].Deserialize<Dictionary<string, string>>()!)
            .ToList();
        Assert.That(labels[0][HelperLabels.ReadOnlyRun], Is.EqualTo("true"));
        Assert.That(labels[1], Does.Not.ContainKey(HelperLabels.ReadOnlyRun));
        Assert.That(RunOwner.FromLabels(labels[1]), Is.EqualTo(RunOwner.Current));
    }

    [Test]
    public void A_read_only_runs_helper_is_a_leftover_only_when_its_owner_is_provably_gone_or_everything_is_swept()
    {
        using var docker = new DockerClient("/nonexistent.sock", "h");
        var runner = new HelperContainerRunner(docker, RunId, Serilog.Core.Logger.None);
        ContainerSummary Helper(string runId, RunOwner owner, bool readOnly) => new()
        {
            Id = runId,
            Labels = new Dictionary<string, string>(owner.ToLabels())
            {
                [HelperLabels.Helper] = "true",
                [HelperLabels.RunId] = runId,
            }.Concat(readOnly ? [new KeyValuePair<string, string>(HelperLabels.ReadOnlyRun, "true")] : []).ToDictionary(),
        };
        var liveReader = Helper("reader", RunOwner.Current, readOnly: true);
        var remoteReader = Helper("remote", RunOwner.Current with { Machine = "laptop", Pid = GonePid.Value }, readOnly: true);
        var goneReader = Helper("gone", RunOwner.Current with { Pid = GonePid.Value, StartTicks = null }, readOnly: true);
        var formerLockHolder = Helper("locked", RunOwner.Current with { Machine = "laptop" }, readOnly: false);

        Assert.That(runner.IsLeftover(liveReader, includeLiveReadOnlyRuns: false), Is.False, "a read-only run that is running now");
        Assert.That(runner.IsLeftover(remoteReader, includeLiveReadOnlyRuns: false), Is.False, "another machine's cannot be proven gone");
        Assert.That(runner.IsLeftover(goneReader, includeLiveReadOnlyRuns: false), Is.True);
        Assert.That(runner.IsLeftover(formerLockHolder, includeLiveReadOnlyRuns: false), Is.True, "holding the lock now means that run no longer does");
        Assert.That(runner.IsLeftover(liveReader, includeLiveReadOnlyRuns: true), Is.True, "--force-unlock");
        Assert.That(runner.IsLeftover(Helper(RunId, RunOwner.Current, readOnly: false), includeLiveReadOnlyRuns: true), Is.False, "never this run's own");
    }

    [Test]
    public async Task One_leftover_that_cannot_be_removed_does_not_stop_the_cleanup()
    {
        await using var daemon = new FakeDockerDaemon(r => FakeDockerDaemon.Negotiation(r, "1.41") ?? (r.Method, r.Path.Split('/').Last()) switch
        {
            ("GET", _) => new FakeResponse(200, """
                [{"Id":"stuck","Names":["/a"],"Labels":{"io.clusterctl.helper":"true","io.clusterctl.run-id":"old"}},
                 {"Id":"fine","Names":["/b"],"Labels":{"io.clusterctl.helper":"true","io.clusterctl.run-id":"old"}}]
                """),
            ("DELETE", "stuck") => new FakeResponse(409, """{"message":"removal of container stuck is already in progress"}"""),
            _ => new FakeResponse(204),
        });
        using var docker = new DockerClient(daemon.SocketPath, "10.213.0.11");
        var runner = new HelperContainerRunner(docker, RunId, Serilog.Core.Logger.None);

        var removed = await runner.RemoveLeftoversAsync(includeLiveReadOnlyRuns: false, CancellationToken.None);

        Assert.That(removed, Is.EqualTo(new List<string> { "b" }));
    }

    [Test]
    public async Task A_long_lived_helper_is_removed_when_disposed()
    {
        await using var daemon = new FakeDockerDaemon(r => FakeDockerDaemon.Negotiation(r, "1.41") ?? Answer(r, 0));
        using var docker = new DockerClient(daemon.SocketPath, "10.213.0.11");
        var runner = new HelperContainerRunner(docker, RunId, Serilog.Core.Logger.None);

        await using (var helper = await runner.StartAsync(Echo with { Purpose = "archive-target" }, CancellationToken.None))
        {
            Assert.That(helper.Id, Is.EqualTo("c1"));
            Assert.That(Removals(daemon), Is.Zero);
        }

        Assert.That(Removals(daemon), Is.EqualTo(1));
    }

    [Test]
    public async Task Shareable_helpers_run_as_execs_in_one_container_that_the_end_of_sharing_removes()
    {
        await using var daemon = new FakeDockerDaemon(r => FakeDockerDaemon.Negotiation(r, "1.41") ?? Answer(r, exitCode: 0));
        using var docker = new DockerClient(daemon.SocketPath, "10.213.0.11");
        var runner = new HelperContainerRunner(docker, RunId, Serilog.Core.Logger.None);
        var shell = Echo with { Shareable = true };

        HelperResult first, second;
        await using (runner.ShareContainers())
        {
            first = await runner.RunAsync(shell, CancellationToken.None);
            second = await runner.RunAsync(shell with { Purpose = "other", Cmd = ["sh", "-c", "echo again"] }, CancellationToken.None);
            Assert.That(Removals(daemon), Is.Zero, "the shared container lives as long as the sharing");
        }

        Assert.That(daemon.Requests.Count(r => r.Path.EndsWith("/containers/create", StringComparison.Ordinal)), Is.EqualTo(1));
        var execs = daemon.Requests.Where(r => r.Path.EndsWith("/containers/c1/exec", StringComparison.Ordinal)).ToList();
        Assert.That(execs.Select(e => JsonDocument.Parse(e.Body).RootElement.GetProperty("Cmd")[2].GetString()), Is.EqualTo(new[] { "echo hi", "echo again" }));
        Assert.That(first, Is.EqualTo(new HelperResult(0, "hello\n", "warning\n") { ContainerName = "shared1-" + runner.ShortRunId }));
        Assert.That(second.Succeeded, Is.True);
        Assert.That(Removals(daemon), Is.EqualTo(1));

        await runner.RunAsync(shell, CancellationToken.None);
        Assert.That(daemon.Requests.Count(r => r.Path.EndsWith("/containers/create", StringComparison.Ordinal)), Is.EqualTo(2), "after the sharing, a helper gets its own container again");
    }

    [Test]
    public async Task A_caller_that_gives_up_while_the_shared_container_starts_does_not_fail_another_caller()
    {
        var startHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var startAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var daemon = new FakeDockerDaemon(async r =>
        {
            if (r.Path.EndsWith("/containers/c1/start", StringComparison.Ordinal))
            {
                startAsked.TrySetResult();
                await startHeld.Task;
            }

            return FakeDockerDaemon.Negotiation(r, "1.41") ?? Answer(r, exitCode: 0);
        });
        using var docker = new DockerClient(daemon.SocketPath, "10.213.0.11");
        var runner = new HelperContainerRunner(docker, RunId, Serilog.Core.Logger.None);
        var shell = Echo with { Shareable = true };

        await using (runner.ShareContainers())
        {
            using var firstGivesUp = new CancellationTokenSource();
            var first = runner.RunAsync(shell, firstGivesUp.Token);
            await startAsked.Task.WaitAsync(TimeSpan.FromSeconds(10));
            var second = runner.RunAsync(shell, CancellationToken.None);
            await firstGivesUp.CancelAsync();
            Assert.That(async () => await first, Throws.InstanceOf<OperationCanceledException>());

            startHeld.SetResult();
            Assert.That((await second).Succeeded, Is.True, "the second caller's helper ran in the container the first one asked for");
        }

        Assert.That(daemon.Requests.Count(r => r.Path.EndsWith("/containers/create", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(Removals(daemon), Is.EqualTo(1));
    }

    [Test]
    public async Task A_helper_that_is_not_shareable_gets_its_own_container_even_while_sharing()
    {
        await using var daemon = new FakeDockerDaemon(r => FakeDockerDaemon.Negotiation(r, "1.41") ?? Answer(r, exitCode: 0));
        using var docker = new DockerClient(daemon.SocketPath, "10.213.0.11");
        var runner = new HelperContainerRunner(docker, RunId, Serilog.Core.Logger.None);

        await using (runner.ShareContainers())
        {
            await runner.RunAsync(Echo, CancellationToken.None);
        }

        Assert.That(daemon.Requests.Any(r => r.Path.EndsWith("/exec", StringComparison.Ordinal)), Is.False);
        Assert.That(daemon.Requests.Count(r => r.Path.EndsWith("/wait", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    private static int Removals(FakeDockerDaemon daemon) =>
        daemon.Requests.Count(r => r.Method == "DELETE" && r.Path.EndsWith("/containers/c1", StringComparison.Ordinal) && r.QueryFlag("force"));

    /// <summary>A daemon that has the image, creates "c1", and runs it to <paramref name="exitCode"/>.</summary>
    private static FakeResponse Answer(FakeRequest request, long exitCode) => FakeDockerDaemon.AnyContainerInspect(request) ?? request.Path switch
    {
        var p when p.Contains("/images/", StringComparison.Ordinal) => new FakeResponse(200, """{"Id":"sha256:1","Size":1}"""),
        var p when p.EndsWith("/containers/create", StringComparison.Ordinal) => new FakeResponse(201, """{"Id":"c1","Warnings":null}"""),
        var p when p.EndsWith("/wait", StringComparison.Ordinal) => new FakeResponse(200, "{\"StatusCode\":" + exitCode.ToString(CultureInfo.InvariantCulture) + "}"),
        var p when p.EndsWith("/logs", StringComparison.Ordinal) => new FakeResponse(200, [.. Frame(1, "hello\n"), .. Frame(2, "warning\n")]),
        var p when p.EndsWith("/exec", StringComparison.Ordinal) => new FakeResponse(201, """{"Id":"e1"}"""),
        "/v1.41/exec/e1/start" => new FakeResponse(200, [.. Frame(1, "hello\n"), .. Frame(2, "warning\n")], "application/vnd.docker.raw-stream"),
        "/v1.41/exec/e1/json" => new FakeResponse(200, "{\"Running\":false,\"ExitCode\":" + exitCode.ToString(CultureInfo.InvariantCulture) + "}"),
        _ => new FakeResponse(204),
    };

    private static byte[] Frame(byte kind, string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var frame = new byte[8 + payload.Length];
        frame[0] = kind;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)payload.Length);
        payload.CopyTo(frame, 8);
        return frame;
    }
}
