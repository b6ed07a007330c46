using System.Diagnostics;
using ClusterCtl.Cli.Commands;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;

namespace ClusterCtl.Cli.Logging;

/// <summary>Builds the process logger. Logs go to stderr so that stdout carries only command output (tables, JSON).</summary>
internal static class LoggerFactory
{
    private static readonly Stopwatch SinceStart = Stopwatch.StartNew();

    public static Logger Create(bool debug, bool quiet, LogFormat format)
    {
        var level = debug ? LogEventLevel.Debug : quiet ? LogEventLevel.Warning : LogEventLevel.Information;
        var configuration = new LoggerConfiguration().MinimumLevel.Is(level);
        // On a terminal a transfer may draw a live display on stderr: logs must go through the same console.
        return (Terminal.StderrShowsLiveDisplays
                ? configuration.WriteTo.Sink(new AnsiConsoleLogSink(Formatter(format), Terminal.Stderr))
                : configuration.WriteTo.Console(Formatter(format), standardErrorFromLevel: LogEventLevel.Verbose))
            .CreateLogger();
    }

    public static ITextFormatter Formatter(LogFormat format) => format == LogFormat.Json
        // The rendered message (@m) beside the properties: readable in a log viewer without re-rendering templates.
        ? new RenderedCompactJsonFormatter()
        : new RkeTextFormatter(SinceStart);
}
