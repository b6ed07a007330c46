using System.Diagnostics;
using ClusterCtl.Cli.Logging;
using ClusterCtl.Logging;
using Serilog;
using Serilog.Events;

namespace ClusterCtl.Tests.Cli;

/// <summary>
/// The text log as operators grep it: a scope given to the logger shows exactly where the message used to type it,
/// so every line reads as before the scope became a property.
/// </summary>
public class RkeTextFormatterTests
{
    private static readonly string NewLine = Environment.NewLine;

    private static IEnumerable<TestCaseData> ScopedMessages()
    {
        yield return new TestCaseData(LogEventLevel.Information, "restore", "{Host}: stopped {Container}", new object[] { "10.0.0.1", "etcd" });
        yield return new TestCaseData(LogEventLevel.Information, "etcd", "Cluster healthy after {Seconds:0.0} s: {Members} members started, one leader, revision {Revision}", new object[] { 2.345, 3, 1234L });
        yield return new TestCaseData(LogEventLevel.Information, "snapshot", "Not ours, kept: {Name:l} ({Reason:l})", new object[] { "rke_etcd_snapshot_1", "no manifest" });
        yield return new TestCaseData(LogEventLevel.Warning, "verify", "{Name} was last verified by a restore drill at {VerifiedAt:u}", new object[] { "nightly", new DateTime(2026, 12, 1, 4, 5, 6, DateTimeKind.Utc) });
        yield return new TestCaseData(LogEventLevel.Error, "cleanup", "{Problem}", new object[] { "10.0.0.2: cannot list containers" });
        yield return new TestCaseData(LogEventLevel.Debug, "lock", "Holding the cluster lock on {Count} nodes", new object[] { 3 });
        yield return new TestCaseData(LogEventLevel.Warning, "dialer", "{Host}: {Reason}", new object[] { "10.0.0.3", "connection refused" });
    }

    [TestCaseSource(nameof(ScopedMessages))]
    public void A_scoped_event_renders_exactly_as_the_same_message_with_its_scope_typed_in_front(LogEventLevel level, string scope, string template, object[] values)
    {
        var scoped = Render(log => log.ForScope(scope).Write(level, template, values));
        var typedIn = Render(log => log.Write(level, $"[{scope}] " + template, values));

        Assert.That(scoped, Is.EqualTo(typedIn));
    }

    [Test]
    public void A_scoped_event_reads_as_an_RKE_log_line()
    {
        var line = Render(log => log.ForScope("restore").Information("{Host}: stopped {Container}", "10.0.0.1", "etcd"));

        Assert.That(line, Is.EqualTo("INFO[0000] [restore] 10.0.0.1: stopped etcd" + NewLine));
    }

    [Test]
    public void An_event_without_a_scope_renders_as_before_and_a_typed_in_prefix_is_not_doubled()
    {
        Assert.That(Render(log => log.Information("Pulling image {Image} on {Host}", "busybox:1", "10.0.0.1")),
            Is.EqualTo("INFO[0000] Pulling image busybox:1 on 10.0.0.1" + NewLine));
        Assert.That(Render(log => log.Information("[schedule] Stopped{Detail:l}", "")),
            Is.EqualTo("INFO[0000] [schedule] Stopped" + NewLine));
    }

    [Test]
    public void A_scoped_event_with_an_exception_shows_it_on_the_lines_below_as_before()
    {
        var failure = new InvalidOperationException("probe refused");

        var scoped = Render(log => log.ForScope("etcd").Debug(failure, "{Host}: probe failed", "10.0.0.1"));

        Assert.That(scoped, Is.EqualTo(Render(log => log.Debug(failure, "[etcd] {Host}: probe failed", "10.0.0.1"))));
        Assert.That(scoped, Does.StartWith("DEBU[0000] [etcd] 10.0.0.1: probe failed" + NewLine + failure));
    }

    private static string Render(Action<ILogger> write)
    {
        var output = new StringWriter();
        // A clock that never ran: every line says [0000].
        new RkeTextFormatter(new Stopwatch()).Format(CapturedLog.Single(write), output);
        return output.ToString();
    }
}
