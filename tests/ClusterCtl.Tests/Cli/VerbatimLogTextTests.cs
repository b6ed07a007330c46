using ClusterCtl.Cli.Logging;
using Spectre.Console.Testing;

namespace ClusterCtl.Tests.Cli;

/// <summary>Log text written through Spectre stays as the formatter made it.</summary>
public class VerbatimLogTextTests
{
    [Test]
    public void Log_text_is_not_wrapped_at_the_console_width_nor_read_as_markup()
    {
        using var console = new TestConsole().Width(20);
        const string text = "INFO[0003] [snapshot] a line longer than twenty columns, with [red]brackets[/]\n";

        console.Write(new VerbatimLogText(text));

        Assert.That(console.Output, Is.EqualTo(text));
    }

    [Test]
    public void On_a_terminal_the_screen_below_is_cleared_first_so_no_piece_of_a_live_display_is_left_beside_the_text()
    {
        using var console = new TestConsole();
        console.EmitAnsiSequences = true;

        console.Write(new VerbatimLogText("FATA[0001] failed\nSystem.Exception: at here\n"));

        Assert.That(console.Output, Is.EqualTo("\u001b[0JFATA[0001] failed\nSystem.Exception: at here\n").Or.EqualTo("\u001b[JFATA[0001] failed\nSystem.Exception: at here\n"));
    }
}
