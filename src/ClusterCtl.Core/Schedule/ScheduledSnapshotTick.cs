using ClusterCtl.Config;
using ClusterCtl.Etcd;
using ClusterCtl.Hosts;
using ClusterCtl.Storage;
using ClusterCtl.Verify;
using Serilog;

namespace ClusterCtl.Schedule;

/// <summary>
/// One tick: open a session, take the cluster lock, run the normal snapshot-save flow under a scheduled name, with
/// <paramref name="verify"/> a restore drill of the new snapshot, then prune scheduled snapshots to the retention on
/// the nodes and in S3. Never throws for a failed tick:
/// the outcome carries the cause, so the schedule goes on. Only cancellation escapes.
/// </summary>
internal sealed class ScheduledSnapshotTick(
    ClusterConfig config, SessionOptions sessionOptions, S3SnapshotStore? s3, int retention, bool verify, TimeProvider time, ILogger logger) : ISnapshotTick
{
    public const string LockCommand = "etcd snapshot-schedule";

    private DateTimeOffset _startedAt;
    private string _name = "";

    public async Task<TickResult> RunAsync(CancellationToken cancellationToken)
    {
        var startedAt = _startedAt = time.GetUtcNow();
        var clock = time.GetTimestamp();
        var name = _name = ScheduledSnapshotName.For(config.ClusterName, startedAt);
        try
        {
            await using var session = await ClusterSession.OpenAsync(config, config.EtcdNodes.ToList(), sessionOptions, logger, cancellationToken);
            ClusterLock clusterLock;
            try
            {
                clusterLock = await session.LockAsync(config, LockCommand, logger, cancellationToken);
            }
            catch (ClusterCtlException e) when (e.Message.Contains("locked by", StringComparison.Ordinal))
            {
                return new TickResult(TickOutcome.Skipped, name, startedAt, time.GetElapsedTime(clock), 0, 0, 0, 0, e.Message);
            }

            await using (clusterLock)
            {
                var report = await new SnapshotSaver(config, logger).SaveAsync(session, name, s3, overwrite: false, progress: null, cancellationToken);

                // A save cancelled while copying reports its copies as failed (and has removed them); say it was cancelled.
                cancellationToken.ThrowIfCancellationRequested();
                var copies = report.Copies.Count(c => c.Succeeded);
                if (!report.AllCopiesSucceeded)
                {
                    // No prune after an incomplete save: the older complete snapshots are what a restore would need.
                    var failed = string.Join("; ", report.Copies.Where(c => !c.Succeeded).Select(c => $"{c.Target}: {c.Error}"));
                    return new TickResult(TickOutcome.Failed, name, startedAt, time.GetElapsedTime(clock), report.ZipSize, copies, 0, 0,
                        $"snapshot {name} is incomplete ({failed}); nothing was pruned");
                }

                DateTimeOffset? verifiedAt = null;
                if (verify)
                {
                    // A snapshot that does not restore is no backup: the tick fails, and nothing older is pruned for it.
                    var drill = await new SnapshotDrill(config, logger).RunAsync(session, s3, name, null, cancellationToken);
                    if (!drill.Verified)
                    {
                        return new TickResult(TickOutcome.Failed, name, startedAt, time.GetElapsedTime(clock), report.ZipSize, copies, 0, 0,
                            $"snapshot {name} was saved but its restore drill failed ({drill.Failure ?? string.Join("; ", drill.Mismatches)}); nothing was pruned") { VerifyFailed = true };
                    }

                    verifiedAt = time.GetUtcNow();
                }

                var (retained, pruned) = await PruneAsync(session, cancellationToken);
                return new TickResult(TickOutcome.Succeeded, name, startedAt, time.GetElapsedTime(clock), report.ZipSize, copies, retained, pruned, null) { VerifiedAt = verifiedAt };
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new TickResult(TickOutcome.Failed, name, startedAt, time.GetElapsedTime(clock), 0, 0, 0, 0, e.Message);
        }
    }

    public TickResult TimedOut(TimeSpan timeout) =>
        new(TickOutcome.Failed, _name, _startedAt, time.GetUtcNow() - _startedAt, 0, 0, 0, 0,
            $"the tick took longer than {timeout.TotalSeconds:0.###}s (--tick-timeout) and was cancelled; its partial files and helpers were removed");

    public async Task<(DateTimeOffset? Newest, int Count)> FindScheduledAsync(CancellationToken cancellationToken)
    {
        await using var session = await ClusterSession.OpenAsync(config, config.EtcdNodes.ToList(), sessionOptions, logger, cancellationToken);
        var listings = await new SnapshotCatalog(config).ListAsync(session, s3, cancellationToken);
        var ownership = SnapshotOwnership.Of(config);
        return (ScheduledPrunePlan.NewestScheduled(listings, ownership, config.ClusterName),
            listings.Count(l => ScheduledPrunePlan.IsOurScheduled(l, ownership, config.ClusterName)));
    }

    private async Task<(int Retained, int Pruned)> PruneAsync(ClusterSession session, CancellationToken cancellationToken)
    {
        var listings = await new SnapshotCatalog(config).ListAsync(session, s3, cancellationToken);
        var plan = ScheduledPrunePlan.For(listings, SnapshotOwnership.Of(config), config.ClusterName, retention);
        var remover = new SnapshotRemover(config, logger);
        foreach (var snapshot in plan.Remove)
        {
            await remover.RemoveAsync(session, s3, snapshot, cancellationToken);
        }

        return (plan.Keep.Count, plan.Remove.Count);
    }
}
