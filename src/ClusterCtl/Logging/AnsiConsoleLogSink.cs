using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Spectre.Console;

namespace ClusterCtl.Cli.Logging;

/// <summary>
/// Writes formatted log events through a Spectre console instead of straight to its stream. While a live display
/// (transfer progress) is drawn on that console, Spectre moves it below each event; text written around Spectre
/// would land inside the display and be overdrawn by its next refresh.
/// </summary>
internal sealed class AnsiConsoleLogSink(ITextFormatter formatter, IAnsiConsole console) : ILogEventSink
{
    public void Emit(LogEvent logEvent)
    {
        using var text = new StringWriter();
        formatter.Format(logEvent, text);
        console.Write(new VerbatimLogText(text.ToString()));
    }
}
