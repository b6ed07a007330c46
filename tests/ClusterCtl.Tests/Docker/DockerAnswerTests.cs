using ClusterCtl.Docker;

namespace ClusterCtl.Tests.Docker;

/// <summary>Answers captured from dockerd 20.10 (trimmed), read through the library into our records.</summary>
public class DockerAnswerTests
{
    private static readonly string[] ExpectedArgs = ["-c", "exit 3"];

    [Test]
    public async Task A_container_inspect_is_read_with_nanosecond_timestamps_and_nulls()
    {
        const string json = """
            {"Id":"a91969e890b4","Created":"2026-11-21T10:54:45.391655085Z","Path":"sh","Args":["-c","exit 3"],
             "State":{"Status":"exited","Running":false,"Paused":false,"OOMKilled":false,"Dead":false,"Pid":0,"ExitCode":3,"Error":"",
                      "StartedAt":"2026-11-21T10:54:45.477072644Z","FinishedAt":"0001-01-01T00:00:00Z"},
             "Image":"sha256:0fd3b9926759","Name":"/t1","RestartCount":0,
             "HostConfig":{"Binds":null,"NetworkMode":"default","RestartPolicy":{"Name":"no","MaximumRetryCount":0},"AutoRemove":false,"PidMode":"","Privileged":false},
             "Config":{"Hostname":"a91969e890b4","User":"","Tty":false,"Env":["PATH=/bin"],"Cmd":["sh","-c","exit 3"],"Image":"local/busybox:1",
                       "WorkingDir":"","Entrypoint":null,"Labels":{"io.clusterctl.helper":"true"}}}
            """;

        var details = await DockerAnswers.InspectAsync(json);

        Assert.That(details.Name, Is.EqualTo("/t1"));
        Assert.That(details.Created, Is.EqualTo(new DateTimeOffset(2026, 11, 21, 10, 54, 45, TimeSpan.Zero).AddTicks(3916550)));
        Assert.That(details.State.Status, Is.EqualTo("exited"));
        Assert.That(details.State.ExitCode, Is.EqualTo(3));
        Assert.That(details.State.FinishedAt, Is.EqualTo(DateTimeOffset.MinValue));
        Assert.That(details.Config.Image, Is.EqualTo("local/busybox:1"));
        Assert.That(details.Config.Entrypoint, Is.Null);
        Assert.That(details.Config.Labels, Does.ContainKey(HelperLabels.Helper));
        Assert.That(details.HostConfig.Binds, Is.Null);
        Assert.That(details.HostConfig.RestartPolicy?.Name, Is.EqualTo("no"));
        Assert.That(details.Args, Is.EqualTo(ExpectedArgs));
    }

    [Test]
    public async Task A_container_list_entry_is_read_with_unix_time_and_names()
    {
        const string json = """
            [{"Id":"a91969e890b4","Names":["/t1"],"Image":"local/busybox:1","ImageID":"sha256:0f","Command":"sh -c 'exit 3'",
              "Created":1795258485,"Ports":[],"Labels":{},"State":"exited","Status":"Exited (3) Less than a second ago",
              "HostConfig":{"NetworkMode":"default"}}]
            """;

        var list = await DockerAnswers.ListAsync(json);

        Assert.That(list, Has.Count.EqualTo(1));
        Assert.That(list[0].Name, Is.EqualTo("t1"));
        Assert.That(list[0].State, Is.EqualTo("exited"));
        Assert.That(list[0].CreatedAt, Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1795258485)));
    }
}
