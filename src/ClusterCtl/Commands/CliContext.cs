using ClusterCtl.Cli.Logging;
using Serilog.Core;

namespace ClusterCtl.Cli.Commands;

/// <summary>What every command runs with: the shutdown token, the global flags once parsed, and the process's one logger.</summary>
internal sealed class CliContext(CancellationToken shutdown) : IAsyncDisposable
{
    private Logger? _logger;

    /// <summary>Cancelled on Ctrl+C or SIGTERM.</summary>
    public CancellationToken Shutdown => shutdown;

    /// <summary>The defaults until the command line is parsed, so that an early failure is still reported.</summary>
    public GlobalOptions Globals { get; set; } = GlobalOptions.Defaults;

    /// <summary>Made on first use, with the level and format of the flags parsed by then.</summary>
    public Logger Logger => _logger ??= LoggerFactory.Create(Globals.Debug, Globals.Quiet, Globals.LogFormat);

    public bool HasLogger => _logger is not null;

    // Writes out whatever the console sink still holds before the process ends.
    public ValueTask DisposeAsync() => _logger?.DisposeAsync() ?? ValueTask.CompletedTask;
}
