using System.Diagnostics;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Json;

namespace ClusterCtl.Cli.Logging;

/// <summary>Builds the process logger. Logs go to stderr so that stdout carries only command output (tables, JSON).</summary>
internal static class LoggerFactory
{
    private static readonly Stopwatch SinceStart = Stopwatch.StartNew();

    public static Logger Create(bool debug, bool quiet, LogFormat format)
    {
        ITextFormatter formatter = format == LogFormat.Json
            ? new JsonFormatter(renderMessage: true)
            : new RkeTextFormatter(SinceStart);
        var level = debug ? LogEventLevel.Debug : quiet ? LogEventLevel.Warning : LogEventLevel.Information;
        return new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .WriteTo.Console(formatter, standardErrorFromLevel: LogEventLevel.Verbose)
            .CreateLogger();
    }
}
