using System.Diagnostics;
using System.Text.RegularExpressions;
using ClusterCtl.Cli.Logging;
using ClusterCtl.Logging;
using ClusterCtl.Restore;
using ClusterCtl.Tests.Cli;
using Serilog.Events;

namespace ClusterCtl.Tests.Restore;

/// <summary>The restore's log says where it is in the README's list of phases: "Phase 4 of 9: distribute".</summary>
public partial class RestorePhasesTests
{
    [Test]
    public void The_phases_that_start_take_the_READMEs_numbers_and_names_in_the_order_they_run()
    {
        var started = Enum.GetValues<RestorePhase>().Where(RestorePhases.Starts).Select(p => $"{RestorePhases.Number(p)}. {RestorePhases.Name(p)}");

        Assert.That(started, Is.EqualTo(ReadmePhases()));
        Assert.That(RestorePhases.Total, Is.EqualTo(9));
    }

    [Test]
    public void Entering_a_phase_logs_its_number_of_the_total_and_its_name_as_values_then_runs_the_hook()
    {
        var hooked = new List<RestorePhase>();
        var options = new RestoreOptions { BeforePhase = (phase, _) => { hooked.Add(phase); return Task.CompletedTask; } };

        var logged = CapturedLog.Single(log => options.EnterPhaseAsync(RestorePhase.Distribute, log.ForScope("restore"), CancellationToken.None).GetAwaiter().GetResult());

        var line = new StringWriter();
        new RkeTextFormatter(new Stopwatch()).Format(logged, line);
        Assert.That(line.ToString(), Is.EqualTo("INFO[0000] [restore] Phase 4 of 9: distribute" + Environment.NewLine));
        Assert.That(logged.MessageTemplate.Text, Is.EqualTo("Phase {Number} of {Total}: {Phase}"));
        Assert.That(logged.Level, Is.EqualTo(LogEventLevel.Information));
        Assert.That(hooked, Is.EqualTo(new[] { RestorePhase.Distribute }));
    }

    [Test]
    public void The_swap_goes_on_with_phase_6_and_the_rollback_has_no_number_so_neither_logs_a_phase_line()
    {
        var logged = CapturedLog.All(log =>
        {
            RestorePhases.LogStart(log, RestorePhase.Swap);
            RestorePhases.LogStart(log, RestorePhase.Rollback);
        });

        Assert.That(logged, Is.Empty);
        Assert.That(RestorePhases.Number(RestorePhase.Swap), Is.EqualTo(6));
        Assert.That(RestorePhases.Number(RestorePhase.Rollback), Is.Null);
        Assert.That(
            new[] { RestorePhase.Restore, RestorePhase.Stop, RestorePhase.Swap, RestorePhase.RestartComponents, RestorePhase.Rollback }.Select(RestorePhases.Describe),
            Is.EqualTo(new[] { "5 (restore)", "6 (stop)", "6 (swap)", "8 (restart)", "rollback" }));
    }

    /// <summary>The numbered list of the snapshot-restore section, as "4. distribute".</summary>
    private static List<string> ReadmePhases()
    {
        var readme = File.ReadAllText(Path.Combine(RepositorySources.Root(), "README.md"));
        var start = readme.IndexOf("### `clusterctl etcd snapshot-restore", StringComparison.Ordinal);
        var section = readme[start..readme.IndexOf("\n### ", start + 1, StringComparison.Ordinal)];
        var phases = PhaseItem().Matches(section).Select(m => $"{m.Groups[1].Value}. {m.Groups[2].Value.ToLowerInvariant()}").ToList();
        Assert.That(phases, Has.Count.GreaterThan(5), "the README's list was found");
        return phases;
    }

    // "4. **Distribute** the raw db", "1. **Plan.** Load cluster.yml", "3. **Preflight**, on every etcd node"
    [GeneratedRegex(@"^(\d+)\. \*\*([^*]+?)[.,]?\*\*", RegexOptions.Multiline)]
    private static partial Regex PhaseItem();
}
