using Spectre.Console;

namespace ClusterCtl.Cli.Commands;

/// <summary>
/// Spectre.Console on stdout, for command output, and on stderr, for logs and progress.
/// When stdout is not a terminal, tables keep their full width instead of wrapping at 80 columns.
/// </summary>
internal static class Terminal
{
    public static IAnsiConsole Stdout { get; } = CreateStdout();

    /// <summary>Where logs go on a terminal, so that they and a live progress display take turns.</summary>
    public static IAnsiConsole Stderr { get; } = CreateStderr();

    /// <summary>Whether stderr is a terminal that can redraw a live display in place.</summary>
    public static bool StderrShowsLiveDisplays { get; } =
        !Console.IsErrorRedirected && Stderr.Profile.Capabilities is { Ansi: true, Interactive: true };

    private static IAnsiConsole CreateStdout()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            Ansi = Console.IsOutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = Console.IsOutputRedirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 240;
        }

        return console;
    }

    private static IAnsiConsole CreateStderr() => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Console.Error),
        Ansi = Console.IsErrorRedirected ? AnsiSupport.No : AnsiSupport.Detect,
        ColorSystem = Console.IsErrorRedirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        // Spectre guesses from stdin; progress on stderr depends on stderr alone.
        Interactive = Console.IsErrorRedirected ? InteractionSupport.No : InteractionSupport.Yes,
    });
}
