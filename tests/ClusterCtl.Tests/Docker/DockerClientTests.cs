using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using System.Text.Json;
using ClusterCtl.Docker;

namespace ClusterCtl.Tests.Docker;

/// <summary>The client's wire behaviour against <see cref="FakeDockerDaemon"/>: no docker, no network.</summary>
public class DockerClientTests
{
    private const string Host = "10.213.0.11";

    private static readonly string[] LazyNegotiationPaths = ["/version", "/v1.40/containers/etcd/json"];

    [Test]
    public async Task Negotiation_uses_the_daemon_version_when_it_is_older_than_ours()
    {
        await using var daemon = new FakeDockerDaemon(r => FakeDockerDaemon.Negotiation(r, "1.41") ?? new FakeResponse(200, "[]"));
        using var client = new DockerClient(daemon.SocketPath, Host);

        var version = await client.NegotiateAsync(CancellationToken.None);
        await client.ListContainersAsync(all: true, filters: null, CancellationToken.None);

        Assert.That(client.ApiVersion, Is.EqualTo(new Version(1, 41)));
        Assert.That(version, Is.EqualTo(new DockerVersion("99.0.0", "1.41", "linux", "amd64", "6.1.0")));
        Assert.That(daemon.Requests.Last().Path, Is.EqualTo("/v1.41/containers/json"));
    }

    [Test]
    public async Task Negotiation_caps_the_version_for_newer_daemons()
    {
        await using var daemon = new FakeDockerDaemon(r => FakeDockerDaemon.Negotiation(r, "1.47") ?? new FakeResponse(404));
        using var client = new DockerClient(daemon.SocketPath, Host);

        await client.NegotiateAsync(CancellationToken.None);

        Assert.That(client.ApiVersion, Is.EqualTo(DockerClient.MaximumApiVersion));
    }

    [Test]
    public async Task A_daemon_older_than_api_1_40_is_refused_with_the_host_named()
    {
        await using var daemon = new FakeDockerDaemon(r => FakeDockerDaemon.Negotiation(r, "1.39") ?? new FakeResponse(404));
        using var client = new DockerClient(daemon.SocketPath, Host);

        var error = Assert.ThrowsAsync<DockerException>(() => client.NegotiateAsync(CancellationToken.None));

        Assert.That(error.Message, Does.Contain(Host).And.Contain("1.39").And.Contain("1.40"));
    }

    [Test]
    public async Task The_first_call_negotiates_when_nobody_did()
    {
        await using var daemon = new FakeDockerDaemon(r => FakeDockerDaemon.Negotiation(r, "1.40") ?? new FakeResponse(404, """{"message":"x"}"""));
        using var client = new DockerClient(daemon.SocketPath, Host);

        await client.InspectContainerAsync("etcd", CancellationToken.None);

        Assert.That(daemon.Requests.Select(r => r.Path), Is.EqualTo(LazyNegotiationPaths));
    }

    [Test]
    public async Task An_error_answer_carries_the_daemon_message_status_and_host()
    {
        await using var daemon = Daemon(_ => new FakeResponse(404, """{"message":"No such container: nope"}"""));
        using var client = new DockerClient(daemon.SocketPath, Host);

        var error = Assert.ThrowsAsync<DockerApiException>(() => client.StartContainerAsync("nope", CancellationToken.None));

        Assert.That(error.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(error.DaemonMessage, Is.EqualTo("No such container: nope"));
        Assert.That(error.Message, Is.EqualTo("docker on 10.213.0.11: No such container: nope (HTTP 404)"));
    }

    [Test]
    public async Task An_answer_that_is_not_json_is_a_docker_error_naming_the_host_and_the_call()
    {
        await using var daemon = Daemon(_ => new FakeResponse(200, "{\"Id\": <html>"));
        using var client = new DockerClient(daemon.SocketPath, Host);

        var error = Assert.ThrowsAsync<DockerException>(() => client.InspectContainerAsync("etcd", CancellationToken.None));

        Assert.That(error.Message, Does.StartWith("docker on 10.213.0.11 sent an answer to").And.Contain("cannot read"));
    }

    [Test]
    public async Task An_attach_the_daemon_refuses_carries_its_message_and_the_host()
    {
        await using var daemon = Daemon(_ => new FakeResponse(404, """{"message":"No such container: gone"}"""));
        using var client = new DockerClient(daemon.SocketPath, Host);

        var error = Assert.ThrowsAsync<DockerApiException>(() => client.AttachStdinAsync("gone", CancellationToken.None));

        Assert.That(error.Message, Is.EqualTo("docker on 10.213.0.11: No such container: gone (HTTP 404)"));
        var attach = daemon.Requests.Last();
        Assert.That(attach.Path, Is.EqualTo("/v1.41/containers/gone/attach"));
        Assert.That(attach.QueryFlag("stdin"), Is.True);
        Assert.That(attach.Headers["Upgrade"], Is.EqualTo("tcp"));
    }

    [Test]
    public async Task Inspecting_what_does_not_exist_gives_null()
    {
        await using var daemon = Daemon(_ => new FakeResponse(404, """{"message":"No such object"}"""));
        using var client = new DockerClient(daemon.SocketPath, Host);

        Assert.That(await client.InspectContainerAsync("etcd", CancellationToken.None), Is.Null);
        Assert.That(await client.InspectImageAsync("127.0.0.1:5999/none:1", CancellationToken.None), Is.Null);
        Assert.That(await client.RemoveContainerAsync("etcd", force: true, CancellationToken.None), Is.False);
    }

    [Test]
    public async Task Image_inspect_keeps_the_slashes_of_a_reference()
    {
        await using var daemon = Daemon(_ => new FakeResponse(200, """{"Id":"sha256:1","RepoTags":["127.0.0.1:5999/none:1"],"Size":5,"Created":"2026-11-21T10:53:02.066585145Z"}"""));
        using var client = new DockerClient(daemon.SocketPath, Host);

        var image = await client.InspectImageAsync("127.0.0.1:5999/none:1", CancellationToken.None);

        Assert.That(image?.Id, Is.EqualTo("sha256:1"));
        Assert.That(Uri.UnescapeDataString(daemon.Requests.Last().Path), Is.EqualTo("/v1.41/images/127.0.0.1:5999/none:1/json"));
    }

    [Test]
    public async Task Stopping_a_stopped_container_is_not_an_error()
    {
        await using var daemon = Daemon(_ => new FakeResponse(304));
        using var client = new DockerClient(daemon.SocketPath, Host);

        var wasRunning = await client.StopContainerAsync("etcd", TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.That(wasRunning, Is.False);
        Assert.That(daemon.Requests.Last().QueryValue("t"), Is.EqualTo("10"));
    }

    [Test]
    public async Task Rename_posts_the_new_name_and_a_conflict_names_the_host()
    {
        await using var daemon = Daemon(r => r.QueryValue("name") == "etcd-old-run1"
            ? new FakeResponse(204)
            : new FakeResponse(409, """{"message":"Conflict. The container name \"/etcd\" is already in use"}"""));
        using var client = new DockerClient(daemon.SocketPath, Host);

        await client.RenameContainerAsync("etcd", "etcd-old-run1", CancellationToken.None);
        var conflict = Assert.ThrowsAsync<DockerApiException>(() => client.RenameContainerAsync("abc", "etcd", CancellationToken.None));

        Assert.That(daemon.Requests.First(r => r.Method == "POST").Path, Is.EqualTo("/v1.41/containers/etcd/rename"));
        Assert.That(conflict!.Message, Does.Contain(Host).And.Contain("already in use"));
    }

    [Test]
    public async Task Create_sends_the_api_names_and_leaves_out_what_is_unset()
    {
        await using var daemon = Daemon(_ => new FakeResponse(201, """{"Id":"abc123","Warnings":[]}"""));
        using var client = new DockerClient(daemon.SocketPath, Host);
        var spec = new ContainerSpec
        {
            Image = "local/etcd:3.5",
            Cmd = ["/usr/local/bin/etcd", "--name", "etcd-a"],
            Labels = new Dictionary<string, string> { ["k"] = "v" },
            HostConfig = new ContainerHostConfig { NetworkMode = "host", RestartPolicy = RestartPolicy.Always, Binds = ["/var/lib/etcd:/var/lib/rancher/etcd/"] },
        };

        var id = await client.CreateContainerAsync("etcd", spec, CancellationToken.None);

        var request = daemon.Requests.Last();
        Assert.That(id, Is.EqualTo("abc123"));
        Assert.That(request.Path, Is.EqualTo("/v1.41/containers/create"));
        Assert.That(request.QueryValue("name"), Is.EqualTo("etcd"));
        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        Assert.That(root.GetProperty("Image").GetString(), Is.EqualTo("local/etcd:3.5"));
        Assert.That(root.GetProperty("Cmd").GetArrayLength(), Is.EqualTo(3));
        Assert.That(root.GetProperty("HostConfig").GetProperty("NetworkMode").GetString(), Is.EqualTo("host"));
        Assert.That(root.GetProperty("HostConfig").GetProperty("RestartPolicy").GetProperty("Name").GetString(), Is.EqualTo("always"));
        Assert.That(root.TryGetProperty("Entrypoint", out _), Is.False);
        Assert.That(root.TryGetProperty("User", out _), Is.False);
        Assert.That(root.GetProperty("HostConfig").TryGetProperty("PidMode", out _), Is.False);
    }

    [Test]
    public async Task Wait_relies_on_the_daemons_default_condition_not_running_and_returns_the_exit_code()
    {
        await using var daemon = Daemon(_ => new FakeResponse(200, """{"Error":null,"StatusCode":3}"""));
        using var client = new DockerClient(daemon.SocketPath, Host);

        var exitCode = await client.WaitContainerAsync("abc", CancellationToken.None);

        Assert.That(exitCode, Is.EqualTo(3));
        Assert.That(daemon.Requests.Last().Path, Is.EqualTo("/v1.41/containers/abc/wait"));
        Assert.That(daemon.Requests.Last().QueryValue("condition"), Is.Null.Or.EqualTo("not-running"));
    }

    [Test]
    public async Task Finding_by_name_sends_an_anchored_filter_and_checks_the_answer_exactly()
    {
        // A daemon whose filter matched loosely still must not make us pick the wrong container.
        await using var daemon = Daemon(_ => new FakeResponse(200,
            """[{"Id":"1","Names":["/etcd-rolling-snapshots"],"Created":1},{"Id":"2","Names":["/etcd"],"Created":2,"Labels":{}}]"""));
        using var client = new DockerClient(daemon.SocketPath, Host);

        var found = await client.FindContainerByNameAsync("etcd", CancellationToken.None);

        Assert.That(found?.Id, Is.EqualTo("2"));
        var request = daemon.Requests.Last();
        Assert.That(request.QueryFlag("all"), Is.True);
        Assert.That(request.QueryValue("filters"), Is.EqualTo("""{"name":{"^/etcd$":true}}"""));
    }

    [Test]
    public async Task Logs_are_split_into_stdout_and_stderr()
    {
        var body = Frame(1, "out\n").Concat(Frame(2, "err\n")).Concat(Frame(1, "more out\n")).ToArray();
        await using var daemon = Daemon(r => r.Path.EndsWith("/json", StringComparison.Ordinal)
            ? new FakeResponse(200, """{"Id":"abc","Config":{"Tty":false}}""")
            : new FakeResponse(200, body, "application/vnd.docker.multiplexed-stream"));
        using var client = new DockerClient(daemon.SocketPath, Host);

        var output = await client.GetContainerLogsAsync("abc", CancellationToken.None);

        Assert.That(output, Is.EqualTo(new ContainerOutput("out\nmore out\n", "err\n")));
    }

    [Test]
    public async Task Exec_creates_starts_and_inspects_and_returns_the_exit_code_with_both_streams()
    {
        await using var daemon = Daemon(r => r.Path switch
        {
            "/v1.41/containers/etcd/exec" => new FakeResponse(201, """{"Id":"e1"}"""),
            "/v1.41/exec/e1/start" => new FakeResponse(200, [.. Frame(1, "[]\n"), .. Frame(2, "Failed to get the status\n")], "application/vnd.docker.raw-stream"),
            "/v1.41/exec/e1/json" => new FakeResponse(200, """{"Running":false,"ExitCode":1}"""),
            _ => new FakeResponse(404, """{"message":"unexpected"}"""),
        });
        using var client = new DockerClient(daemon.SocketPath, Host);

        var result = await client.ExecAsync("etcd", ["etcdctl", "endpoint", "status"], ["ETCDCTL_ENDPOINTS=https://10.213.0.11:2379"], CancellationToken.None);

        Assert.That(result, Is.EqualTo(new HelperResult(1, "[]\n", "Failed to get the status\n") { ContainerName = "etcd" }));
        using var create = JsonDocument.Parse(daemon.Requests.Single(r => r.Path == "/v1.41/containers/etcd/exec").Body);
        Assert.That(create.RootElement.GetProperty("Cmd").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "etcdctl", "endpoint", "status" }));
        Assert.That(create.RootElement.GetProperty("Env")[0].GetString(), Is.EqualTo("ETCDCTL_ENDPOINTS=https://10.213.0.11:2379"));
        Assert.That(create.RootElement.GetProperty("AttachStdout").GetBoolean(), Is.True);
        using var start = JsonDocument.Parse(daemon.Requests.Single(r => r.Path == "/v1.41/exec/e1/start").Body);
        Assert.That(start.RootElement.GetProperty("Detach").GetBoolean(), Is.False);
    }

    [Test]
    public async Task Exec_in_a_container_that_is_not_running_fails_with_the_daemons_conflict()
    {
        await using var daemon = Daemon(_ => new FakeResponse(409, """{"message":"Container abc is not running"}"""));
        using var client = new DockerClient(daemon.SocketPath, Host);

        var error = Assert.ThrowsAsync<DockerApiException>(() => client.ExecAsync("abc", ["true"], null, CancellationToken.None));

        Assert.That(error.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(error.DaemonMessage, Is.EqualTo("Container abc is not running"));
    }

    [Test]
    public async Task Pull_sends_name_tag_and_credentials_and_a_refusal_in_the_stream_names_the_registry_user_and_fix()
    {
        await using var daemon = Daemon(_ => new FakeResponse(200,
            "{\"status\":\"Pulling from none\",\"id\":\"1\"}\r\n{\"errorDetail\":{\"message\":\"unauthorized: authentication required\"},\"error\":\"unauthorized: authentication required\"}\r\n"));
        using var client = new DockerClient(daemon.SocketPath, Host);
        var auth = new RegistryAuth("127.0.0.1:5999", "bob", "s3cret");

        var error = Assert.ThrowsAsync<DockerException>(() => client.PullImageAsync("127.0.0.1:5999/none:1", auth, null, CancellationToken.None));

        Assert.That(error!.Message, Is.EqualTo("docker on 10.213.0.11: 127.0.0.1:5999 refused 127.0.0.1:5999/none:1 for user bob (unauthorized: authentication required); " +
            "check that user's password in private_registries in cluster.yml"));
        Assert.That(error.Message, Does.Not.Contain("s3cret"));
        var request = daemon.Requests.Last();
        Assert.That(request.QueryValue("fromImage"), Is.EqualTo("127.0.0.1:5999/none"));
        Assert.That(request.QueryValue("tag"), Is.EqualTo("1"));
        // URL-safe base64 with its padding kept: daemons decode it with Go's padded URL encoding.
        var header = request.Headers["X-Registry-Auth"];
        Assert.That(header, Does.Not.Contain("+").And.Not.Contain("/"));
        Assert.That(header.Length % 4, Is.Zero);
        using var credentials = JsonDocument.Parse(Convert.FromBase64String(header.Replace('-', '+').Replace('_', '/')));
        Assert.That(credentials.RootElement.GetProperty("username").GetString(), Is.EqualTo("bob"));
        Assert.That(credentials.RootElement.GetProperty("password").GetString(), Is.EqualTo("s3cret"));
        Assert.That(credentials.RootElement.GetProperty("serveraddress").GetString(), Is.EqualTo("127.0.0.1:5999"));
    }

    [Test]
    public async Task A_pull_refused_for_want_of_credentials_says_to_add_them_to_private_registries()
    {
        await using var daemon = Daemon(_ => new FakeResponse(500,
            """{"message":"Head \"http://127.0.0.1:5999/v2/none/manifests/1\": no basic auth credentials"}"""));
        using var client = new DockerClient(daemon.SocketPath, Host);

        var error = Assert.ThrowsAsync<DockerException>(() => client.PullImageAsync("127.0.0.1:5999/none:1", null, null, CancellationToken.None));

        Assert.That(error!.Message, Does.StartWith("docker on 10.213.0.11: the registry refused 127.0.0.1:5999/none:1 without credentials")
            .And.EndWith("add the registry's url, user and password to private_registries in cluster.yml"));
    }

    [Test]
    public async Task An_image_that_is_present_is_never_pulled()
    {
        await using var daemon = Daemon(r => r.Path.EndsWith("/json", StringComparison.Ordinal)
            ? new FakeResponse(200, """{"Id":"sha256:1","Size":1}""")
            : new FakeResponse(500, """{"message":"must not pull"}"""));
        using var client = new DockerClient(daemon.SocketPath, Host);

        var pulled = await client.EnsureImageAsync("local/etcd:3.5", null, CancellationToken.None);

        Assert.That(pulled, Is.False);
        Assert.That(daemon.Requests.Any(r => r.Path.Contains("/images/create", StringComparison.Ordinal)), Is.False);
    }

    [Test]
    public async Task A_hung_daemon_runs_out_of_the_request_budget_with_a_clear_error()
    {
        using var held = new HeldAnswer();
        await using var daemon = Daemon(_ => held.Take());
        using var client = new DockerClient(daemon.SocketPath, Host, requestTimeout: TimeSpan.FromMilliseconds(200));
        await NegotiateAsync(client, daemon);

        var error = Assert.ThrowsAsync<DockerException>(() => client.StartContainerAsync("etcd", CancellationToken.None));

        Assert.That(error.Message, Does.Contain("did not answer").And.Contain(Host));
        Assert.That(held.Asked.Task.IsCompleted, Is.True, "the request reached the daemon: the budget ran out waiting for its answer");
    }

    [Test]
    public async Task The_callers_cancellation_stays_a_cancellation()
    {
        using var held = new HeldAnswer();
        await using var daemon = Daemon(_ => held.Take());
        using var client = new DockerClient(daemon.SocketPath, Host);
        await NegotiateAsync(client, daemon);
        using var cancellation = new CancellationTokenSource();

        var starting = client.StartContainerAsync("etcd", cancellation.Token);
        await Task.WhenAny(held.Asked.Task, starting);
        await cancellation.CancelAsync();

        Assert.That(async () => await starting, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(held.Asked.Task.IsCompleted, Is.True, "cancelled while the daemon had the request, not before sending it");
    }

    [Test]
    public void A_missing_socket_is_reported_as_an_unreachable_host()
    {
        using var client = new DockerClient(Path.Combine(Path.GetTempPath(), $"cctl-no-such-{Guid.NewGuid():N}.sock"), Host);

        var error = Assert.ThrowsAsync<DockerException>(() => client.NegotiateAsync(CancellationToken.None));

        Assert.That(error.Message, Does.StartWith("the docker socket is unreachable on 10.213.0.11"));
        Assert.That(error.Host, Is.EqualTo(Host));
    }

    [Test]
    public async Task An_archive_put_streams_a_chunked_tar_body()
    {
        await using var daemon = Daemon(_ => new FakeResponse(200));
        using var client = new DockerClient(daemon.SocketPath, Host);
        var content = Encoding.UTF8.GetBytes("snapshot bytes");

        // A tar of unknown length, written while it is sent.
        var pipe = new Pipe();
        var writing = Task.Run(async () =>
        {
            await TarStreams.WriteSingleFileAsync(pipe.Writer.AsStream(), "snap.zip", new MemoryStream(content), content.Length, UnixFileMode.UserRead, CancellationToken.None);
            await pipe.Writer.CompleteAsync();
        });

        await client.PutArchiveAsync("abc", "/backup", pipe.Reader.AsStream(), CancellationToken.None);
        await writing;

        var request = daemon.Requests.Last();
        Assert.That(request.Method, Is.EqualTo("PUT"));
        Assert.That(request.QueryValue("path"), Is.EqualTo("/backup"));
        Assert.That(request.Headers["Transfer-Encoding"], Is.EqualTo("chunked"));
        var restored = new MemoryStream();
        var info = await TarStreams.ReadSingleFileAsync(new MemoryStream(request.Body), restored, CancellationToken.None);
        Assert.That(info.Name, Is.EqualTo("snap.zip"));
        Assert.That(restored.ToArray(), Is.EqualTo(content));
    }

    /// <summary>A daemon that negotiates as API 1.41 and answers everything else with <paramref name="answer"/>.</summary>
    private static FakeDockerDaemon Daemon(Func<FakeRequest, FakeResponse> answer) =>
        new(r => FakeDockerDaemon.Negotiation(r, "1.41") ?? answer(r));

    private static FakeDockerDaemon Daemon(Func<FakeRequest, Task<FakeResponse>> answer) =>
        new(r => FakeDockerDaemon.Negotiation(r, "1.41") is { } negotiation ? Task.FromResult(negotiation) : answer(r));

    private static async Task NegotiateAsync(DockerClient client, FakeDockerDaemon daemon)
    {
        await client.NegotiateAsync(CancellationToken.None);
        Assert.That(daemon.Requests, Is.Not.Empty);
    }

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
