using System.Net;
using System.Text;
using ClusterCtl.Docker;

namespace ClusterCtl.Tests.Docker;

public class PullStreamReaderTests
{
    private static readonly string[] ExpectedStateChanges =
    [
        "1.36: Pulling from library/busybox",
        "a1b2: Pull complete",
        "Digest: sha256:abc",
        "Status: Downloaded newer image for busybox:1.36",
    ];

    [Test]
    public void Pull_error_inside_a_200_stream_becomes_an_exception()
    {
        // As dockerd 20.10 sends it when a layer is missing (captured from a real daemon).
        var body = Lines(
            """{"status":"Pulling from none","id":"1"}""",
            """{"status":"Pulling fs layer","progressDetail":{},"id":"abababababab"}""",
            """{"errorDetail":{"message":"unknown blob"},"error":"unknown blob"}""");

        var error = Assert.ThrowsAsync<DockerApiException>(() => PullStreamReader.ReadToEndAsync(body, "10.213.0.11", null, CancellationToken.None));

        Assert.That(error.DaemonMessage, Is.EqualTo("unknown blob"));
        Assert.That(error.Host, Is.EqualTo("10.213.0.11"));
        Assert.That(error.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(error.Message, Is.EqualTo("docker on 10.213.0.11: unknown blob (HTTP 200)"));
    }

    [Test]
    public void An_error_without_detail_still_fails_the_pull()
    {
        var body = Lines("""{"error":"pull access denied for none, repository does not exist"}""");

        var error = Assert.ThrowsAsync<DockerApiException>(() => PullStreamReader.ReadToEndAsync(body, "h", null, CancellationToken.None));

        Assert.That(error.DaemonMessage, Does.StartWith("pull access denied"));
    }

    [Test]
    public async Task A_successful_pull_reports_state_changes_but_not_progress_bars()
    {
        var body = Lines(
            """{"status":"Pulling from library/busybox","id":"1.36"}""",
            """{"status":"Downloading","progressDetail":{"current":100,"total":1000},"progress":"[=>   ]","id":"a1b2"}""",
            """{"status":"Pull complete","progressDetail":{},"id":"a1b2"}""",
            "",
            """{"status":"Digest: sha256:abc"}""",
            """{"status":"Status: Downloaded newer image for busybox:1.36"}""");
        var reported = new List<string>();

        await PullStreamReader.ReadToEndAsync(body, "h", new ListProgress(reported), CancellationToken.None);

        Assert.That(reported, Is.EqualTo(ExpectedStateChanges));
    }

    [Test]
    public async Task Unreadable_lines_are_not_taken_for_errors_and_the_lines_after_them_are_still_read()
    {
        var body = Lines("""{"status":"Pulling from library/busybox","id":"1.36"}""", "not json at all", """{"status":"done"}""");
        var reported = new List<string>();

        await PullStreamReader.ReadToEndAsync(body, "h", new ListProgress(reported), CancellationToken.None);

        Assert.That(reported, Is.EqualTo(new[] { "1.36: Pulling from library/busybox", "done" }));
    }

    private static MemoryStream Lines(params string[] lines) =>
        new(Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n"));

    private sealed class ListProgress(List<string> target) : IProgress<string>
    {
        public void Report(string value) => target.Add(value);
    }
}
