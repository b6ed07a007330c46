using ClusterCtl.Etcd;
using Serilog;

namespace ClusterCtl.Cli.Commands;

/// <summary>
/// Progress where no one watches a screen (CI logs, files): a log line every few seconds, so that logs stay readable.
/// Transfers that finish before the first interval log nothing; a long one always logs its end.
/// </summary>
internal sealed class LoggedTransferProgress(ILogger logger, TimeProvider time) : ITransferProgressDisplay
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly long _start = time.GetTimestamp();
    private readonly Lock _gate = new();
    private TimeSpan _last = TimeSpan.Zero;
    private bool _shown;

    public void Report(TransferProgress value)
    {
        lock (_gate)
        {
            var now = time.GetElapsedTime(_start);
            var finished = value.Done >= value.Total && value.Total > 0;
            if (now - _last < Interval && !(finished && _shown))
            {
                return;
            }

            _last = now;
            _shown = !finished;
            logger.Information("{Progress}", TransferProgressLine.Format(value, now));
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
