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
        var events = All(write);
        Assert.That(events, Has.Count.EqualTo(1), "one event was logged");
        return events[0];
    }

    /// <summary>Every event that <paramref name="write"/> logs at any level, in order.</summary>
    public static IReadOnlyList<LogEvent> All(Action<ILogger> write)
    {
        var captured = new CapturedLog();
        using (var logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(captured).CreateLogger())
        {
            write(logger);
        }

        return captured._events;
    }

    public void Emit(LogEvent logEvent) => _events.Add(logEvent);
}
