using McMaster.Extensions.CommandLineUtils;
using Serilog;

namespace ClusterCtl.Cli.Commands;

/// <summary>
/// A leaf command: its name and help line, the options it declares, and the work in <see cref="RunAsync"/>.
/// Declared through the library's builder API, which needs no reflection, so the native build keeps every command.
/// Errors are turned into exit codes by Program.
/// </summary>
internal abstract class CommandBase(string name, string description)
{
    private CliContext _context = null!;

    protected GlobalOptions Globals => _context.Globals;

    /// <summary>The process's logger, without a scope: hand it on as it is; a command's own messages take <c>Log.ForScope(...)</c>.</summary>
    protected ILogger Log => _context.Logger;

    /// <summary>Adds this command under <paramref name="parent"/>.</summary>
    public void AddTo(CommandLineApplication parent, CliContext context)
    {
        _context = context;
        parent.Command(name, command =>
        {
            command.Description = description;
            DeclareOptions(command);
            CliApplication.Finish(command);
            command.OnExecute(() => RunAsync(context.Shutdown));
        });
    }

    /// <summary>Declares the command's own options, in the order its help lists them.</summary>
    protected virtual void DeclareOptions(CommandLineApplication command)
    {
    }

    protected abstract Task<int> RunAsync(CancellationToken cancellationToken);
}
