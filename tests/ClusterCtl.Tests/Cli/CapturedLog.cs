using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace ClusterCtl.Tests.Cli;

/// <summary>A logger that keeps its events, so a test can hand one event to a formatter as the console sink would.</summary>
internal sealed class CapturedLog : ILogEventSink
{
    private readonly List<LogEvent> _events = [];

    private CapturedLog()
    {
    }

    /// <summary>The one event that <paramref name="write"/> logs at any level.</summary>
    public static LogEvent Single(Action<ILogger> write)
    {
        var captured = new CapturedLog();
        using (var logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(captured).CreateLogger())
        {
            write(logger);
        }

        Assert.That(captured._events, Has.Count.EqualTo(1), "one event was logged");
        return captured._events[0];
    }

    public void Emit(LogEvent logEvent) => _events.Add(logEvent);
}
