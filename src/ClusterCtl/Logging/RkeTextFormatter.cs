using System.Diagnostics;
using System.Globalization;
using ClusterCtl.Logging;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Parsing;

namespace ClusterCtl.Cli.Logging;

/// <summary>
/// RKE's log line shape, <c>INFO[0003] [etcd] message</c>: level, seconds since start, the event's
/// <see cref="LogScope"/> in brackets when it has one, then the rendered message.
/// Operators who grep RKE logs can grep ours the same way.
/// </summary>
internal sealed class RkeTextFormatter(Stopwatch sinceStart) : ITextFormatter
{
    public void Format(LogEvent logEvent, TextWriter output)
    {
        output.Write(Level(logEvent.Level));
        output.Write('[');
        output.Write(((int)sinceStart.Elapsed.TotalSeconds).ToString("D4", CultureInfo.InvariantCulture));
        output.Write("] ");
        RenderScope(logEvent, output);
        RenderMessage(logEvent, output);
        output.WriteLine();
        if (logEvent.Exception is { } e)
        {
            // Only reached with --debug: expected failures are logged without their exception.
            output.WriteLine(e.ToString());
        }
    }

    private static void RenderScope(LogEvent logEvent, TextWriter output)
    {
        if (logEvent.Properties.TryGetValue(LogScope.PropertyName, out var value) && value is ScalarValue { Value: string scope })
        {
            output.Write('[');
            output.Write(scope);
            output.Write("] ");
        }
    }

    // Like Serilog's own rendering, but strings appear bare (host names, paths), as in RKE's logs.
    private static void RenderMessage(LogEvent logEvent, TextWriter output)
    {
        foreach (var token in logEvent.MessageTemplate.Tokens)
        {
            if (token is PropertyToken property
                && logEvent.Properties.TryGetValue(property.PropertyName, out var value)
                && value is ScalarValue { Value: string text })
            {
                output.Write(text);
            }
            else
            {
                token.Render(logEvent.Properties, output, CultureInfo.InvariantCulture);
            }
        }
    }

    private static string Level(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "TRAC",
        LogEventLevel.Debug => "DEBU",
        LogEventLevel.Information => "INFO",
        LogEventLevel.Warning => "WARN",
        LogEventLevel.Error => "ERRO",
        _ => "FATA",
    };
}
