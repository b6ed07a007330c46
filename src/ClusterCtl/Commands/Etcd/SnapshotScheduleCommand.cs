using ClusterCtl.Config;
using ClusterCtl.Logging;
using ClusterCtl.Schedule;
using McMaster.Extensions.CommandLineUtils;

namespace ClusterCtl.Cli.Commands.Etcd;

/// <summary>
/// A foreground service that takes a scheduled snapshot every interval and prunes the scheduled ones to the retention.
/// A stop (SIGTERM, Ctrl+C) is its normal end, so it exits 0 once any in-flight snapshot was finished or cleaned up.
/// </summary>
internal sealed class SnapshotScheduleCommand() : SnapshotCommandBase(
    "snapshot-schedule", "Take a snapshot every interval and keep the newest N scheduled ones, on the nodes and in S3 (a foreground service).")
{
    private CommandOption _interval = null!;
    private CommandOption _retention = null!;
    private CommandOption _shutdownGrace = null!;
    private CommandOption _tickTimeout = null!;
    private CommandOption _verify = null!;
    private CommandOption _metricsListen = null!;

    protected override void DeclareOptions(CommandLineApplication command)
    {
        _interval = command.Option("--interval <DURATION>", "Time between snapshots, e.g. 90s, 30m, 12h (default: backup_config.interval_hours, else creation, else 12h).", CommandOptionType.SingleValue);
        _retention = command.Option("--retention <N>", "Scheduled snapshots to keep (default: backup_config.retention, else 6). One-off snapshots are never pruned.", CommandOptionType.SingleValue)
            .Range(1, 100000);
        _shutdownGrace = command.Option("--shutdown-grace <DURATION>", "On SIGTERM/Ctrl+C, how long a snapshot in progress may take to finish before it is cancelled (default 30s; 0s cancels at once).", CommandOptionType.SingleValue);
        _tickTimeout = command.Option("--tick-timeout <DURATION>", "Cancel a tick (and clean it up) that runs longer than this, count it as failed, and go on (default 30m).", CommandOptionType.SingleValue);
        _verify = command.Option("--verify", "Run a restore drill (as snapshot-verify does) of every new snapshot; a failed drill fails the tick (default: backup_config.verify).", CommandOptionType.NoValue);
        _metricsListen = command.Option("--metrics-listen <ADDRESS>", "Serve Prometheus /metrics and /healthz here, e.g. 127.0.0.1:9464.", CommandOptionType.SingleValue);
        base.DeclareOptions(command);
    }

    protected override async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var intervalFlag = _interval.Value();
        var shutdownGrace = _shutdownGrace.Value() ?? "30s";
        var verify = _verify.HasValue();
        var metricsListen = _metricsListen.Value();
        if (Globals.ForceUnlock)
        {
            // Every tick would break whatever lock a manual run holds; a one-off command releases a stale lock once.
            throw new ClusterCtlException("--force-unlock is not for snapshot-schedule: release a stale lock once with a one-off command, e.g. 'clusterctl etcd snapshot-save --force-unlock'", ExitCodes.InvalidInput);
        }

        var config = LoadConfig();
        var interval = intervalFlag is null ? config.Etcd.Backup.Interval : ParseDuration("--interval", intervalFlag);
        if (interval < TimeSpan.FromSeconds(1))
        {
            throw new ClusterCtlException($"--interval {intervalFlag} is too short: use 1s or more", ExitCodes.InvalidInput);
        }

        var grace = shutdownGrace.Trim() is "0" or "0s" ? TimeSpan.Zero : ParseDuration("--shutdown-grace", shutdownGrace);
        var tickTimeout = ParseDuration("--tick-timeout", _tickTimeout.Value() ?? "30m");
        var retention = _retention.IntValue() ?? config.Etcd.Backup.Retention;
        var listen = metricsListen is null ? null : MetricsEndpoint.ParseListenAddress(metricsListen);

        using var s3 = OpenS3(config);
        var metrics = new ScheduleMetrics(interval, TimeProvider.System);
        using var endpoint = listen is null ? null : new MetricsEndpoint(listen, metrics, Log);
        endpoint?.Start();

        var log = Log.ForScope("schedule");
        log.Information("Scheduled snapshots of {Cluster} every {Interval}, keeping {Retention}{S3:l}{Verify:l}",
            string.IsNullOrWhiteSpace(config.ClusterName) ? "rke" : config.ClusterName, GoDuration.Format(interval), retention,
            s3 is null ? "" : " (and in " + s3.Location + ")", verify || config.Etcd.Backup.Verify ? ", each verified by a restore drill" : "");
        var tick = new ScheduledSnapshotTick(config, SessionOptions, s3, retention, verify || config.Etcd.Backup.Verify, TimeProvider.System, Log);
        var scheduler = new SnapshotScheduler(new SnapshotSchedule(interval), tick, metrics, grace, tickTimeout, TimeProvider.System, Random.Shared.NextDouble, Log);
        await ScheduleHost.RunAsync(scheduler, cancellationToken);
        log.Information("Stopped{Detail:l}", scheduler.CancelledInFlight ? " (the snapshot in progress was cancelled and cleaned up)" : "");
        return ExitCodes.Success;
    }

    private static TimeSpan ParseDuration(string flag, string text) =>
        GoDuration.TryParse(text, out var duration)
            ? duration
            : throw new ClusterCtlException($"{flag} \"{text}\" is not a duration: use forms such as 90s, 5m, 12h", ExitCodes.InvalidInput);
}
