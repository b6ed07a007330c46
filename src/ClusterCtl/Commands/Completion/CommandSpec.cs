using McMaster.Extensions.CommandLineUtils;

namespace ClusterCtl.Cli.Commands.Completion;

/// <summary>
/// What a completion script needs of one command, read from the command tree itself, so that a command or flag added
/// later is completed without touching the scripts.
/// </summary>
internal sealed record CommandSpec(
    IReadOnlyList<string> Path, string Description, IReadOnlyList<CommandSpec> Subcommands, IReadOnlyList<FlagSpec> Flags, ArgumentSpec? Argument)
{
    public string Name => Path[^1];

    /// <summary>The tree under <paramref name="root"/>, with every command's flags: its own and those it inherits.</summary>
    public static CommandSpec From(CommandLineApplication root) => From(root, []);

    public IEnumerable<CommandSpec> SelfAndDescendants() => Subcommands.SelectMany(c => c.SelfAndDescendants()).Prepend(this);

    private static CommandSpec From(CommandLineApplication command, IReadOnlyList<string> parent)
    {
        string[] path = [.. parent, command.Name ?? throw new InvalidOperationException("A command without a name cannot be completed.")];
        return new(
            path,
            command.Description ?? "",
            [.. command.Commands.Select(c => From(c, path))],
            [.. command.GetOptions().Where(o => o.ShowInHelpText).Select(FlagSpec.From).Where(f => f.Names.Any()).DistinctBy(f => f.Names.First())],
            command.Arguments.FirstOrDefault() is { } argument ? new ArgumentSpec(argument.Name ?? "argument", OptionRules.AllowedValuesOf(argument)) : null);
    }
}
