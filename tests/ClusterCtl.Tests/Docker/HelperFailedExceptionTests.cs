using ClusterCtl.Docker;

namespace ClusterCtl.Tests.Docker;

public class HelperFailedExceptionTests
{
    [Test]
    public void The_one_line_message_names_host_container_exit_code_and_the_last_stderr_line()
    {
        var stderr = string.Join("\n", Enumerable.Range(1, 25).Select(i => $"line {i}")) + "\n\n";

        var error = new HelperFailedException("10.213.0.12", "etcd-snapshot-once-abc", 1, stderr);

        Assert.That(error.Message, Does.StartWith("helper container etcd-snapshot-once-abc on 10.213.0.12 exited with code 1:"));
        Assert.That(error.Message, Does.EndWith(": line 25").And.Not.Contain('\n'));
        Assert.That(error.StderrTail, Does.Contain("line 16").And.Not.Contain("line 15\n"));
        Assert.That(error.StderrTail.Split('\n'), Has.Length.EqualTo(HelperFailedException.QuotedStderrLines));
    }

    [Test]
    public void Silence_on_stderr_is_said_plainly()
    {
        var error = new HelperFailedException("h", "c", 137, "");

        Assert.That(error.Message, Is.EqualTo("helper container c on h exited with code 137 and wrote nothing to stderr"));
    }
}
