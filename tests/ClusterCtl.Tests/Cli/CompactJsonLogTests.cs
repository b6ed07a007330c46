using System.Text.Json;
using ClusterCtl.Cli.Logging;
using ClusterCtl.Logging;
using Serilog;

namespace ClusterCtl.Tests.Cli;

/// <summary>
/// <c>--log-format json</c>: one compact JSON object per event and line, the rendered message in <c>@m</c> and the
/// scope as a property of its own rather than a prefix of the message.
/// </summary>
public class CompactJsonLogTests
{
    [Test]
    public void A_scoped_event_is_one_line_of_json_with_the_rendered_message_and_the_scope_as_a_property()
    {
        var line = Format(log => log.ForScope("restore").Warning("{Host}: could not remove {Directory}: {Error}", "10.0.0.1", "restore-1", "busy"));

        Assert.That(line, Does.EndWith("\n"));
        Assert.That(line.TrimEnd('\n', '\r'), Does.Not.Contain("\n"));
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("@t").TryGetDateTimeOffset(out _), Is.True, "@t is a timestamp");
            Assert.That(root.GetProperty("@l").GetString(), Is.EqualTo("Warning"));
            Assert.That(root.GetProperty("@m").GetString(), Is.EqualTo("\"10.0.0.1\": could not remove \"restore-1\": \"busy\""));
            Assert.That(root.GetProperty("Scope").GetString(), Is.EqualTo("restore"));
            Assert.That(root.GetProperty("Host").GetString(), Is.EqualTo("10.0.0.1"));
        });
    }

    [Test]
    public void An_information_event_leaves_the_level_out_as_compact_json_does_for_the_default()
    {
        using var json = JsonDocument.Parse(Format(log => log.Information("Pulling image {Image} on {Host}", "busybox:1", "10.0.0.1")));

        Assert.That(json.RootElement.TryGetProperty("@l", out _), Is.False);
        Assert.That(json.RootElement.TryGetProperty("Scope", out _), Is.False, "no scope was given");
        Assert.That(json.RootElement.GetProperty("@m").GetString(), Is.EqualTo("Pulling image \"busybox:1\" on \"10.0.0.1\""));
    }

    [Test]
    public void An_exception_and_its_stack_stay_on_the_event_line()
    {
        Exception failure;
        try
        {
            throw new InvalidOperationException("probe refused");
        }
        catch (InvalidOperationException e)
        {
            failure = e;
        }

        var line = Format(log => log.ForScope("etcd").Debug(failure, "{Host}: probe failed", "10.0.0.1"));

        Assert.That(line.TrimEnd('\n', '\r'), Does.Not.Contain("\n"));
        using var json = JsonDocument.Parse(line);
        Assert.That(json.RootElement.GetProperty("@x").GetString(), Does.Contain("probe refused").And.Contain(nameof(An_exception_and_its_stack_stay_on_the_event_line)));
    }

    private static string Format(Action<ILogger> write)
    {
        var output = new StringWriter();
        LoggerFactory.Formatter(LogFormat.Json).Format(CapturedLog.Single(write), output);
        return output.ToString();
    }
}
