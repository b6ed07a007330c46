using System.Text.RegularExpressions;
using ClusterCtl.Cli.Commands;
using ClusterCtl.Cli.Logging;
using ClusterCtl.Etcd;
using Serilog;
using Spectre.Console.Testing;

namespace ClusterCtl.Tests.Cli;

/// <summary>Spectre's live progress display on a terminal, and log lines written while it is drawn.</summary>
public partial class LiveTransferProgressTests
{
    private SteppedClock _clock = null!;

    [SetUp]
    public void Start() => _clock = new SteppedClock();

    [Test]
    public async Task A_transfer_shows_as_a_row_with_its_name_that_ends_at_100_percent()
    {
        using var console = Terminal();
        var progress = new LiveTransferProgress(console, _clock);

        progress.Report(new TransferProgress("snapshot rke_etcd_snapshot_x", 0, 4L << 20));
        _clock.Advance(TimeSpan.FromSeconds(2));
        progress.Report(new TransferProgress("snapshot rke_etcd_snapshot_x", 4L << 20, 4L << 20));
        await progress.DisposeAsync();

        var lastRow = Screen(console).Last(l => l.Contains("rke_etcd_snapshot_x", StringComparison.Ordinal));
        Assert.That(lastRow, Does.Contain("100%").And.Contain("MiB"));
    }

    [Test]
    public async Task Each_transfer_has_its_own_row()
    {
        using var console = Terminal();
        var progress = new LiveTransferProgress(console, _clock);

        progress.Report(new TransferProgress("restore a", 1024, 4096));
        progress.Report(new TransferProgress("restore b", 1024, 4096));
        await progress.DisposeAsync();

        Assert.That(Screen(console), Has.Some.Contains("restore a").And.Some.Contains("restore b"));
    }

    [Test]
    public async Task A_log_line_written_during_the_display_is_drawn_above_the_progress_row()
    {
        using var console = Terminal();
        using var logger = new LoggerConfiguration().WriteTo.Sink(new AnsiConsoleLogSink(LoggerFactory.Formatter(LogFormat.Text), console)).CreateLogger();
        var progress = new LiveTransferProgress(console, _clock);

        progress.Report(new TransferProgress("snapshot x", 1024, 4096));
        logger.Information("Copying to {Host}", "10.0.0.2");
        progress.Report(new TransferProgress("snapshot x", 4096, 4096));
        await progress.DisposeAsync();

        var screen = Screen(console);
        var logged = screen.FindIndex(l => l.Contains("INFO[", StringComparison.Ordinal));
        Assert.That(screen[logged], Does.EndWith("Copying to 10.0.0.2"), "the log line is whole, not mixed with a progress row");
        Assert.That(screen.Skip(logged + 1), Has.Some.Contains("snapshot x"), "the display is drawn again below it");
    }

    [Test]
    public async Task A_transfer_that_starts_over_gets_a_new_row_and_the_old_one_stays()
    {
        using var console = Terminal();
        var progress = new LiveTransferProgress(console, _clock);

        progress.Report(new TransferProgress("restore x", 3072, 4096));
        progress.Report(new TransferProgress("restore x", 1024, 4096));
        progress.Report(new TransferProgress("restore x", 4096, 4096));
        await progress.DisposeAsync();

        var rows = Screen(console).Where(l => l.Contains("restore x", StringComparison.Ordinal)).ToList();
        Assert.That(rows, Has.Some.Contains("75%").And.Some.Contains("100%"));
    }

    [Test]
    public async Task A_later_transfer_after_a_finished_one_is_shown_too()
    {
        using var console = Terminal();
        var progress = new LiveTransferProgress(console, _clock);

        progress.Report(new TransferProgress("snapshot x", 4096, 4096));
        progress.Report(new TransferProgress("restore y", 4096, 4096));
        await progress.DisposeAsync();

        Assert.That(Screen(console), Has.Some.Contains("snapshot x").And.Some.Contains("restore y"));
    }

    // Through Spectre's own console, so that the refresh thread and the test take turns as they would on a terminal.
    private static TestConsole Terminal()
    {
        var console = new TestConsole().Interactive().Width(100);
        console.EmitAnsiSequences = true;
        return console;
    }

    private static List<string> Screen(TestConsole console) =>
        [.. AnsiSequence().Replace(console.Output, "").ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd())];

    [GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]")]
    private static partial Regex AnsiSequence();
}
