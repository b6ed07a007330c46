using ClusterCtl.Cli.Commands;
using ClusterCtl.Cli.Commands.Completion;

namespace ClusterCtl.Tests.Cli;

/// <summary>The real command tree, as the completion command reads it.</summary>
internal static class CompletionTree
{
    public static CommandSpec Read()
    {
        using var app = new CliApplication(new CliContext(CancellationToken.None));
        return CommandSpec.From(app.Root);
    }
}
