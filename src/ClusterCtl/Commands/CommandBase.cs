using ClusterCtl.Cli.Logging;
using McMaster.Extensions.CommandLineUtils;
using Serilog;

namespace ClusterCtl.Cli.Commands;

/// <summary>
/// A leaf command: finds the root for the global flags and the shutdown token, builds the logger,
/// and leaves the work to <see cref="RunAsync"/>. Errors are turned into exit codes by Program.
/// </summary>
internal abstract class CommandBase
{
    protected GlobalOptions Globals { get; private set; } = null!;

    protected ILogger Log { get; private set; } = Serilog.Core.Logger.None;

    protected abstract Task<int> RunAsync(CancellationToken cancellationToken);

    // Called by McMaster by convention.
    protected async Task<int> OnExecuteAsync(CommandLineApplication app)
    {
        var root = app;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        var rootCommand = ((CommandLineApplication<ClusterCtlCommand>)root).Model;
        Globals = rootCommand.Globals;
        Serilog.Log.Logger = LoggerFactory.Create(Globals.Debug, Globals.Quiet, Globals.LogFormat);
        Log = Serilog.Log.Logger;
        return await RunAsync(rootCommand.Shutdown);
    }
}
