using McMaster.Extensions.CommandLineUtils;
using Serilog;

namespace ClusterCtl.Cli.Commands;

/// <summary>
/// A leaf command: finds the root for the global flags, the shutdown token and the logger,
/// and leaves the work to <see cref="RunAsync"/>. Errors are turned into exit codes by Program.
/// </summary>
internal abstract class CommandBase
{
    protected GlobalOptions Globals { get; private set; } = null!;

    /// <summary>The process's logger, without a scope: hand it on as it is; a command's own messages take <c>Log.ForScope(...)</c>.</summary>
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
        Log = rootCommand.Logger;
        return await RunAsync(rootCommand.Shutdown);
    }
}
