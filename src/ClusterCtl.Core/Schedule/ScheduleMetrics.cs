using Prometheus;

namespace ClusterCtl.Schedule;

/// <summary>
/// The scheduler's state as Prometheus metrics and a health verdict. Ticks write it, the HTTP endpoint reads it.
/// </summary>
/// <remarks>
/// The metrics live in a registry of their own rather than prometheus-net's static default one: that one fills itself
/// with process and runtime metrics on first scrape, which would change what operators scrape and alert on, and a
/// private registry keeps each instance (and each test) apart.
/// </remarks>
internal sealed class ScheduleMetrics
{
    private readonly Lock _lock = new();
    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _startedAt;
    private readonly Gauge _lastSuccess;
    private readonly Gauge _lastDuration;
    private readonly Gauge _lastSize;
    private readonly Counter _succeeded;
    private readonly Counter _failed;
    private readonly Counter _skipped;
    private readonly Gauge _retained;
    private readonly Gauge _lastVerified;
    private readonly Counter _verifyFailures;
    private DateTimeOffset? _lastSuccessAt;

    public ScheduleMetrics(TimeSpan interval, TimeProvider time)
    {
        _interval = interval;
        _time = time;
        _startedAt = time.GetUtcNow();
        var factory = Metrics.WithCustomRegistry(_registry);
        _lastSuccess = factory.CreateGauge("clusterctl_snapshot_schedule_last_success_timestamp_seconds", "Unix time of the last successful scheduled snapshot (0: none yet).");
        _lastDuration = factory.CreateGauge("clusterctl_snapshot_schedule_last_duration_seconds", "Duration of the last successful tick.");
        _lastSize = factory.CreateGauge("clusterctl_snapshot_schedule_last_size_bytes", "Size of the last successful snapshot's zip.");
        _succeeded = factory.CreateCounter("clusterctl_snapshot_schedule_ticks_succeeded_total", "Ticks that saved and pruned.");
        _failed = factory.CreateCounter("clusterctl_snapshot_schedule_ticks_failed_total", "Ticks that failed; the log says why.");
        _skipped = factory.CreateCounter("clusterctl_snapshot_schedule_ticks_skipped_total", "Ticks skipped because another run held the cluster lock.");
        _retained = factory.CreateGauge("clusterctl_snapshot_schedule_snapshots_retained", "Scheduled snapshots kept after the last prune.");
        _lastVerified = factory.CreateGauge("clusterctl_snapshot_schedule_last_verified_timestamp_seconds", "Unix time of the last scheduled snapshot a restore drill verified (0: none yet).");
        _verifyFailures = factory.CreateCounter("clusterctl_snapshot_schedule_verify_failures_total", "Scheduled snapshots whose restore drill failed; each is also a failed tick.");
        factory.CreateGauge("clusterctl_snapshot_schedule_interval_seconds", "The configured interval.").Set(interval.TotalSeconds);
        var healthy = factory.CreateGauge("clusterctl_snapshot_schedule_healthy", "1 while the last success is within twice the interval.");

        // Health depends on when it is asked, not on when the last tick ended: work it out for each scrape.
        _registry.AddBeforeCollectCallback(() => healthy.Set(IsHealthy() ? 1 : 0));
    }

    public void Record(TickResult tick)
    {
        // One tick's figures change together; a scrape in between may see part of them, which a later scrape corrects.
        lock (_lock)
        {
            if (tick.VerifiedAt is { } verifiedAt)
            {
                _lastVerified.Set(UnixSeconds(verifiedAt));
            }

            if (tick.VerifyFailed)
            {
                _verifyFailures.Inc();
            }

            switch (tick.Outcome)
            {
                case TickOutcome.Succeeded:
                    _succeeded.Inc();
                    _lastSuccessAt = tick.StartedAt + tick.Duration;
                    _lastSuccess.Set(UnixSeconds(_lastSuccessAt.Value));
                    _lastDuration.Set(tick.Duration.TotalSeconds);
                    _lastSize.Set(tick.SizeBytes);
                    _retained.Set(tick.Retained);
                    break;
                case TickOutcome.Failed:
                    _failed.Inc();
                    break;
                default:
                    _skipped.Inc();
                    break;
            }
        }
    }

    /// <summary>The number of scheduled snapshots known before the first tick (from the catch-up listing).</summary>
    public void SetRetained(int retained) => _retained.Set(retained);

    public bool IsHealthy()
    {
        lock (_lock)
        {
            return ScheduleHealth.IsHealthy(_time.GetUtcNow(), _startedAt, _lastSuccessAt, _interval);
        }
    }

    /// <summary>Writes every metric in Prometheus' text format (version 0.0.4).</summary>
    public Task ExportAsync(Stream destination, CancellationToken cancellationToken) =>
        _registry.CollectAndExportAsTextAsync(destination, cancellationToken);

    private static double UnixSeconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000.0;
}
