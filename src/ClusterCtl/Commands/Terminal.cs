using Spectre.Console;

namespace ClusterCtl.Cli.Commands;

/// <summary>Spectre.Console on stdout. When stdout is not a terminal, tables keep their full width instead of wrapping at 80 columns.</summary>
internal static class Terminal
{
    public static IAnsiConsole Stdout { get; } = Create();

    private static IAnsiConsole Create()
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
}
