using System.Text.Json;
using System.Text.RegularExpressions;
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

    private static readonly string[] Nodes = ["10.0.0.1", "10.0.0.2", "10.0.0.3"];

    private static readonly string[] Components = ["calico-node", "kube-apiserver", "kube-controller-manager", "kube-proxy", "kube-scheduler", "kubelet"];

    private static readonly string StaleWarning = new StaleEtcdServers("10.0.0.1", ["https://10.0.0.9:2379"], ["https://10.0.0.1:2379"]).Message;

    /// <summary>A restore that restarted every component on three nodes but those in <paramref name="notRunning"/>.</summary>
    private static RestoreReport Restored(params ManualStep[] notRunning) => new()
    {
        Outcome = notRunning.Length == 0 ? RestoreOutcome.Restored : RestoreOutcome.NeedsManualAttention,
        RunId = Plan.RunId,
        Snapshot = Source,
        EtcdNodes = Nodes,
        Phases =
        [
            new PhaseReport(RestorePhase.StartEtcd, TimeSpan.FromSeconds(4), true, "healthy"),
            new PhaseReport(RestorePhase.RestartComponents, TimeSpan.FromSeconds(9), notRunning.Length == 0, notRunning.Length == 0 ? "ok" : $"{notRunning.Length} containers did not come back"),
        ],
        Restarted =
        [
            .. from host in Nodes
               from container in Components
               where !notRunning.Any(s => s.Host == host && s.Container == container)
               select new RestartedContainer(host, container, container == "kube-apiserver" ? "started" : "restarted", DateTimeOffset.UnixEpoch),
        ],
        ManualSteps = notRunning,
        Failure = notRunning.Length == 0 ? null : "etcd was restored, but 10.0.0.2 did not get every component running again; run the MANUAL STEP commands",
        Warnings = [StaleWarning],
    };

    private static ManualStep KubeletDown(string host) => new(host, "docker start kubelet   # then check 'docker logs kubelet'") { Container = "kubelet" };

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
            Phases = [new PhaseReport(RestorePhase.Stop, TimeSpan.FromSeconds(1.5), true, "stopped"), new PhaseReport(RestorePhase.Swap, TimeSpan.FromSeconds(0.7), false, "helper failed")],
            Failure = "restore failed in phase 6 (swap) (helper failed); rolled back",
        };

        var text = Render(RestoreViews.Report(report, verbose: false));

        Assert.That(text, Does.Contain("Restore rolled back").And.Contain("Swap").And.Contain("failed").And.Contain("helper failed").And.Contain("restore failed in phase 6 (swap)"));
        Assert.That(report.ExitCode, Is.EqualTo(ExitCodes.Failed));
    }

    [Test]
    public void The_report_counts_the_restarted_containers_per_node_and_names_none_of_them()
    {
        var text = Render(RestoreViews.Report(Restored(), verbose: false));

        Assert.Multiple(() =>
        {
            foreach (var node in Nodes)
            {
                Assert.That(text, Does.Match($@"\n\s*{Regex.Escape(node)}\s+6\s+-\s*\n"), node + ": six restarted, none down");
            }

            Assert.That(text, Does.Contain("NOT RUNNING"));
            Assert.That(text, Does.Not.Contain("kube-scheduler").And.Not.Contain("kube-proxy").And.Not.Contain("calico-node").And.Not.Contain("RUNNING SINCE"));
        });
    }

    [Test]
    public void The_report_still_shows_the_snapshot_the_phases_the_nodes_and_every_warning()
    {
        var text = Render(RestoreViews.Report(Restored() with { NewNodes = ["10.0.0.3"] }, verbose: false));

        Assert.That(text, Does.Contain("Restored in").And.Contain("on 10.0.0.1, 10.0.0.2, 10.0.0.3")
            .And.Contain("rke_etcd_snapshot_2026-11-21T10-27-42Z").And.Contain("sha256 " + new string('a', 64)).And.Contain("revision 1234")
            .And.Contain("StartEtcd").And.Contain("RestartComponents").And.Contain("9.0")
            .And.Contain("New nodes").And.Contain("warning: " + StaleWarning));
    }

    [Test]
    public void A_container_that_did_not_come_back_is_named_beside_its_nodes_count_and_in_its_manual_step()
    {
        var text = Render(RestoreViews.Report(Restored(KubeletDown("10.0.0.2")), verbose: false));

        Assert.That(text, Does.Match(@"\n\s*10\.0\.0\.2\s+5\s+kubelet\s*\n"));
        Assert.That(text, Does.Match(@"\n\s*10\.0\.0\.1\s+6\s+-\s*\n"));
        Assert.That(text, Does.Contain("manual step on 10.0.0.2: docker start kubelet").And.Contain("did not get every component running again")
            .And.Contain("warning: " + StaleWarning));
        Assert.That(text, Does.Not.Contain("kube-scheduler"), "the others are counted, not listed");
    }

    [Test]
    public void The_verbose_report_lists_every_container_with_its_node_and_the_one_down_as_not_running()
    {
        var text = Render(RestoreViews.Report(Restored(KubeletDown("10.0.0.2")), verbose: true));

        Assert.Multiple(() =>
        {
            foreach (var node in Nodes)
            {
                foreach (var container in Components.Where(c => !(node == "10.0.0.2" && c == "kubelet")))
                {
                    Assert.That(text, Does.Match($@"\n\s*{Regex.Escape(node)}\s+{Regex.Escape(container)}\s+(re)?started\s+1970-01-01 00:00:00Z"), $"{node} {container}");
                }
            }

            Assert.That(text, Does.Match(@"\n\s*10\.0\.0\.2\s+kubelet\s+not running\s+-"));
            Assert.That(text, Does.Contain("manual step on 10.0.0.2: docker start kubelet").And.Contain("warning: " + StaleWarning));
        });
    }

    [Test]
    public void The_json_report_lists_every_restart_and_keeps_its_shape_whatever_the_table_shows()
    {
        var report = Restored(KubeletDown("10.0.0.2"));

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(report, CliJson.Options));
        var root = json.RootElement;

        Assert.That(root.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[]
        {
            "outcome", "runId", "snapshot", "etcdNodes", "phases", "restarted", "tool", "revisionBumped", "revisionBefore", "finalRevision",
            "preRestoreDirectory", "failure", "manualSteps", "warnings", "newNodes", "staleEtcdServers", "plan", "totalSeconds", "exitCode",
        }));
        Assert.That(root.GetProperty("restarted").GetArrayLength(), Is.EqualTo(Nodes.Length * Components.Length - 1));
        Assert.That(root.GetProperty("restarted").EnumerateArray().Select(r => r.GetProperty("container").GetString()), Has.Some.EqualTo("kube-scheduler"));
        Assert.That(root.GetProperty("manualSteps")[0].EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "host", "command" }), "the container is named by the command");
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
