using System.Text.Json;
using ClusterCtl.Cli.Commands;
using ClusterCtl.Cli.Commands.Etcd;
using ClusterCtl.Restore;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ClusterCtl.Tests.Cli;

/// <summary>The restore plan and report as people and pipelines read them.</summary>
public class RestoreViewsTests
{
    private static readonly RestoreSource Source = new("rke_etcd_snapshot_2026-11-21T10-27-42Z", new string('a', 64), 1234, "3.5.16", 20 * 1024 * 1024);

    private static readonly RestorePlan Plan = new()
    {
        RunId = "20261121T102742-1a2b3c4d",
        Source = Source,
        EtcdNodes =
        [
            new PreflightResult { Host = "10.0.0.1", MemberName = "etcd-a", EtcdVersion = "3.5.16", HasEtcdutl = true, CanBumpRevision = true, HasMember = true, FreeBytes = 80L << 30, RequiredBytes = 168L << 20, EtcdContainerState = "running", Checks = [PreflightCheck.Pass("disk", "80 GiB free")] },
            new PreflightResult { Host = "10.0.0.2", MemberName = "etcd-b", EtcdContainerAction = EtcdContainerAction.Create, Checks = [PreflightCheck.Fail("certificates", "missing /etc/kubernetes/ssl/kube-etcd-10-0-0-2.pem", "put them back")] },
        ],
        Tool = RestoreTool.Etcdutl,
        BumpRevision = true,
        HealthTimeout = TimeSpan.FromSeconds(300),
        Steps = ["Check", "POINT OF NO RETURN: stop kube-apiserver on 10.0.0.1"],
        Problems = ["10.0.0.2: missing /etc/kubernetes/ssl/kube-etcd-10-0-0-2.pem; put them back"],
        PreflightDuration = TimeSpan.FromMilliseconds(1500),
    };

    private static string Render(IRenderable renderable)
    {
        using var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 240;
        console.Write(renderable);
        return text.ToString();
    }

    [Test]
    public void The_plan_shows_nodes_steps_and_problems_and_says_nothing_was_written()
    {
        var text = Render(RestoreViews.Plan(Plan));

        Assert.That(text, Does.Contain("rke_etcd_snapshot_2026-11-21T10-27-42Z").And.Contain("10.0.0.1").And.Contain("missing, create")
            .And.Contain("2. POINT OF NO RETURN").And.Contain("problem: 10.0.0.2: missing").And.Contain("Not ready").And.Contain("revision bumped by 1000000000"));
    }

    [Test]
    public void A_rolled_back_report_shows_the_failed_phase_and_the_cause()
    {
        var report = new RestoreReport
        {
            Outcome = RestoreOutcome.RolledBack,
            RunId = Plan.RunId,
            Snapshot = Source,
            EtcdNodes = ["10.0.0.1"],
            Phases = [new PhaseReport(RestorePhase.Stop, TimeSpan.FromSeconds(1.5), true, "stopped"), new PhaseReport(RestorePhase.Restore, TimeSpan.FromSeconds(0.7), false, "helper failed")],
            Failure = "restore failed in phase 6 (restore) (helper failed); rolled back",
        };

        var text = Render(RestoreViews.Report(report));

        Assert.That(text, Does.Contain("Restore rolled back").And.Contain("Restore").And.Contain("failed").And.Contain("helper failed").And.Contain("restore failed in phase 6"));
        Assert.That(report.ExitCode, Is.EqualTo(ExitCodes.Failed));
    }

    [Test]
    public void The_json_report_has_camel_case_names_enum_words_seconds_and_the_exit_code()
    {
        var report = new RestoreReport
        {
            Outcome = RestoreOutcome.Restored,
            RunId = Plan.RunId,
            Snapshot = Source,
            Phases = [new PhaseReport(RestorePhase.StartEtcd, TimeSpan.FromSeconds(3.25), true, "healthy")],
            Restarted = [new RestartedContainer("10.0.0.1", "kubelet", "restarted", DateTimeOffset.UnixEpoch)],
            FinalRevision = 1_000_001_234,
        };

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(report, CliJson.Options));
        var root = json.RootElement;

        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("outcome").GetString(), Is.EqualTo("restored"));
            Assert.That(root.GetProperty("exitCode").GetInt32(), Is.Zero);
            Assert.That(root.GetProperty("snapshot").GetProperty("sha256").GetString(), Is.EqualTo(new string('a', 64)));
            Assert.That(root.GetProperty("phases")[0].GetProperty("phase").GetString(), Is.EqualTo("startEtcd"));
            Assert.That(root.GetProperty("phases")[0].GetProperty("seconds").GetDouble(), Is.EqualTo(3.25));
            Assert.That(root.GetProperty("phases")[0].TryGetProperty("duration", out _), Is.False);
            Assert.That(root.GetProperty("restarted")[0].GetProperty("container").GetString(), Is.EqualTo("kubelet"));
            Assert.That(root.GetProperty("finalRevision").GetInt64(), Is.EqualTo(1_000_001_234));
        });
    }

    [Test]
    public void A_dry_run_report_carries_the_plan_and_exits_1_when_the_plan_is_not_ready()
    {
        var report = EtcdRestorer.DryRunReport(Plan);

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(report, CliJson.Options));

        Assert.That(report.ExitCode, Is.EqualTo(ExitCodes.Failed));
        Assert.That(json.RootElement.GetProperty("plan").GetProperty("ready").GetBoolean(), Is.False);
        Assert.That(json.RootElement.GetProperty("plan").GetProperty("healthTimeoutSeconds").GetDouble(), Is.EqualTo(300));
        Assert.That(json.RootElement.GetProperty("plan").GetProperty("etcdNodes")[1].GetProperty("etcdContainerAction").GetString(), Is.EqualTo("create"));
    }
}
