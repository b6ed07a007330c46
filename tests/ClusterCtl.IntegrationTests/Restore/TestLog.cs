using ClusterCtl.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace ClusterCtl.IntegrationTests.Restore;

/// <summary>A logger whose lines go to the test's output (and are kept), so a failed restore test shows what the engine did.</summary>
internal sealed class TestLog : ILogEventSink
{
    private readonly List<string> _lines = [];

    private TestLog()
    {
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToList();
            }
        }
    }

    public static (ILogger Logger, TestLog Log) Create()
    {
        var sink = new TestLog();
        var logger = new LoggerConfiguration().MinimumLevel.Debug().WriteTo.Sink(sink).CreateLogger();
        return (logger, sink);
    }

    /// <summary>The message with strings as they are (no quotes), after its scope in brackets, as an operator reads it.</summary>
    private static string Render(LogEvent logEvent)
    {
        var text = new System.Text.StringBuilder();
        if (logEvent.Properties.TryGetValue(LogScope.PropertyName, out var scope) && scope is ScalarValue { Value: string name })
        {
            text.Append('[').Append(name).Append("] ");
        }

        foreach (var token in logEvent.MessageTemplate.Tokens)
        {
            if (token is Serilog.Parsing.PropertyToken property && logEvent.Properties.TryGetValue(property.PropertyName, out var value))
            {
                text.Append(value is ScalarValue { Value: string s } ? s : value.ToString(property.Format, System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append(token.ToString());
            }
        }

        return text.ToString();
    }

    public void Emit(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        var line = $"{logEvent.Timestamp:HH:mm:ss.fff} {logEvent.Level.ToString()[..3].ToUpperInvariant()} {Render(logEvent)}";
        lock (_lines)
        {
            _lines.Add(line);
        }

        if (logEvent.Level >= LogEventLevel.Information)
        {
            TestContext.Progress.WriteLine(line);
        }
    }
}
