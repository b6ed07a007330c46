using ClusterCtl.Cli.Commands;
using ClusterCtl.Etcd;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace ClusterCtl.Tests.Cli;

/// <summary>Progress where no one watches a screen: a line every five seconds at most, and always the end of a long transfer.</summary>
public class LoggedTransferProgressTests
{
    private const long Total = 100L << 20;

    private SteppedClock _clock = null!;
    private Lines _lines = null!;
    private Logger _logger = null!;
    private LoggedTransferProgress _progress = null!;

    [SetUp]
    public void Start()
    {
        _clock = new SteppedClock();
        _lines = new Lines();
        _logger = new LoggerConfiguration().WriteTo.Sink(_lines).CreateLogger();
        _progress = new LoggedTransferProgress(_logger, _clock);
    }

    [TearDown]
    public async Task Stop()
    {
        await _progress.DisposeAsync();
        await _logger.DisposeAsync();
    }

    [Test]
    public void A_transfer_that_finishes_within_the_first_interval_logs_nothing()
    {
        Report(1, Total / 2);
        Report(1, Total);

        Assert.That(_lines.Logged, Is.Empty);
    }

    [Test]
    public void A_long_transfer_logs_once_per_interval_and_not_on_every_read()
    {
        Report(4, 10L << 20);
        Report(1, 20L << 20);
        Report(1, 30L << 20);
        Report(3, 40L << 20);
        Report(3, 60L << 20);

        Assert.That(_lines.Logged, Is.EqualTo(new[]
        {
            "[snapshot x] 20 MiB of 100 MiB (20%), 4.0 MiB/s, ETA 00:20",
            "[snapshot x] 60 MiB of 100 MiB (60%), 5.0 MiB/s, ETA 00:08",
        }));
    }

    [Test]
    public void A_long_transfer_always_logs_its_end_even_within_the_interval()
    {
        Report(5, Total / 2);
        Report(1, Total);

        Assert.That(_lines.Logged, Has.Count.EqualTo(2));
        Assert.That(_lines.Logged[^1], Is.EqualTo("[snapshot x] 100 MiB of 100 MiB (100%), 17 MiB/s, ETA 00:00"));
    }

    [Test]
    public void The_line_is_logged_without_a_scope_since_it_names_its_transfer_itself()
    {
        Report(6, Total / 2);

        Assert.That(_lines.Events.Single().Properties, Does.Not.ContainKey(ClusterCtl.Logging.LogScope.PropertyName));
        Assert.That(_lines.Events.Single().Level, Is.EqualTo(LogEventLevel.Information));
    }

    private void Report(int afterSeconds, long done)
    {
        _clock.Advance(TimeSpan.FromSeconds(afterSeconds));
        _progress.Report(new TransferProgress("snapshot x", done, Total));
    }

    private sealed class Lines : ILogEventSink
    {
        public List<LogEvent> Events { get; } = [];

        public List<string> Logged => Events.Select(e => e.RenderMessage().Trim('"')).ToList();

        public void Emit(LogEvent logEvent) => Events.Add(logEvent);
    }
}
