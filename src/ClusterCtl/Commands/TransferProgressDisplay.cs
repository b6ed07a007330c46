using ClusterCtl.Etcd;
using Serilog;

namespace ClusterCtl.Cli.Commands;

/// <summary>Picks how progress is shown: a live display on a terminal, log lines elsewhere, nothing with --quiet.</summary>
internal static class TransferProgressDisplay
{
    public static ITransferProgressDisplay For(bool quiet, ILogger logger)
    {
        if (quiet)
        {
            return Silent.Instance;
        }

        return Terminal.StderrShowsLiveDisplays
            ? new LiveTransferProgress(Terminal.Stderr, TimeProvider.System)
            : new LoggedTransferProgress(logger, TimeProvider.System);
    }

    private sealed class Silent : ITransferProgressDisplay
    {
        public static readonly Silent Instance = new();

        public void Report(TransferProgress value)
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
