using ClusterCtl.Cli.Commands.Completion;
using McMaster.Extensions.CommandLineUtils;

namespace ClusterCtl.Cli.Commands;

internal sealed class CompletionCommand() : CommandBase("completion", "Print the shell completion script for bash, zsh or fish.")
{
    private CommandLineApplication _command = null!;
    private CommandArgument _shell = null!;

    protected override void DeclareOptions(CommandLineApplication command)
    {
        _command = command;
        _shell = command.Argument("shell", "bash, zsh or fish").OneOf("bash", "zsh", "fish");
    }

    protected override Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var root = _command;
        while (root.Parent is { } parent)
        {
            root = parent;
        }

        // Read when it runs, not when declared: by then every command is in the tree.
        var tree = CommandSpec.From(root);
        Console.Out.Write(_shell.Value!.ToLowerInvariant() switch
        {
            "bash" => BashCompletion.Script(tree),
            "zsh" => ZshCompletion.Script(tree),
            _ => FishCompletion.Script(tree),
        });
        return Task.FromResult(ExitCodes.Success);
    }
}
