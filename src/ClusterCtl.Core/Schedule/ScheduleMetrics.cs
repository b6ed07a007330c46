using System.Globalization;
using System.Text;

namespace ClusterCtl.Schedule;

/// <summary>The scheduler's state as Prometheus text and a health verdict. Ticks write it, the HTTP endpoint reads it.</summary>
internal sealed class ScheduleMetrics(TimeSpan interval, DateTimeOffset startedAt)
{
    private readonly Lock _lock = new();
    private DateTimeOffset? _lastSuccess;
    private double _lastDurationSeconds;
    private long _lastSizeBytes;
    private long _succeeded;
    private long _failed;
    private long _skipped;
    private int _retained;
    private DateTimeOffset? _lastVerified;
    private long _verifyFailures;

    public void Record(TickResult tick)
    {
        lock (_lock)
        {
            _lastVerified = tick.VerifiedAt ?? _lastVerified;
            _verifyFailures += tick.VerifyFailed ? 1 : 0;
            switch (tick.Outcome)
            {
                case TickOutcome.Succeeded:
                    _succeeded++;
                    _lastSuccess = tick.StartedAt + tick.Duration;
                    _lastDurationSeconds = tick.Duration.TotalSeconds;
                    _lastSizeBytes = tick.SizeBytes;
                    _retained = tick.Retained;
                    break;
                case TickOutcome.Failed:
                    _failed++;
                    break;
                default:
                    _skipped++;
                    break;
            }
        }
    }

    /// <summary>The number of scheduled snapshots known before the first tick (from the catch-up listing).</summary>
    public void SetRetained(int retained)
    {
        lock (_lock)
        {
            _retained = retained;
        }
    }

    public bool IsHealthy(DateTimeOffset now)
    {
        lock (_lock)
        {
            return ScheduleHealth.IsHealthy(now, startedAt, _lastSuccess, interval);
        }
    }

    public string Render(DateTimeOffset now)
    {
        lock (_lock)
        {
            var text = new StringBuilder();
            Gauge(text, "clusterctl_snapshot_schedule_last_success_timestamp_seconds", "Unix time of the last successful scheduled snapshot (0: none yet).",
                _lastSuccess?.ToUnixTimeMilliseconds() / 1000.0 ?? 0);
            Gauge(text, "clusterctl_snapshot_schedule_last_duration_seconds", "Duration of the last successful tick.", _lastDurationSeconds);
            Gauge(text, "clusterctl_snapshot_schedule_last_size_bytes", "Size of the last successful snapshot's zip.", _lastSizeBytes);
            Counter(text, "clusterctl_snapshot_schedule_ticks_succeeded_total", "Ticks that saved and pruned.", _succeeded);
            Counter(text, "clusterctl_snapshot_schedule_ticks_failed_total", "Ticks that failed; the log says why.", _failed);
            Counter(text, "clusterctl_snapshot_schedule_ticks_skipped_total", "Ticks skipped because another run held the cluster lock.", _skipped);
            Gauge(text, "clusterctl_snapshot_schedule_snapshots_retained", "Scheduled snapshots kept after the last prune.", _retained);
            Gauge(text, "clusterctl_snapshot_schedule_last_verified_timestamp_seconds", "Unix time of the last scheduled snapshot a restore drill verified (0: none yet).",
                _lastVerified?.ToUnixTimeMilliseconds() / 1000.0 ?? 0);
            Counter(text, "clusterctl_snapshot_schedule_verify_failures_total", "Scheduled snapshots whose restore drill failed; each is also a failed tick.", _verifyFailures);
            Gauge(text, "clusterctl_snapshot_schedule_interval_seconds", "The configured interval.", interval.TotalSeconds);
            Gauge(text, "clusterctl_snapshot_schedule_healthy", "1 while the last success is within twice the interval.",
                ScheduleHealth.IsHealthy(now, startedAt, _lastSuccess, interval) ? 1 : 0);
            return text.ToString();
        }
    }

    private static void Gauge(StringBuilder text, string name, string help, double value) => Write(text, name, help, "gauge", value);

    private static void Counter(StringBuilder text, string name, string help, double value) => Write(text, name, help, "counter", value);

    private static void Write(StringBuilder text, string name, string help, string type, double value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n{name} {value.ToString("R", CultureInfo.InvariantCulture)}\n");
}
