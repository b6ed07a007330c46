using McMaster.Extensions.CommandLineUtils;

namespace ClusterCtl.Cli.Commands.Completion;

/// <summary>What a completion script needs of one flag, read from the option as the command declared it.</summary>
internal sealed record FlagSpec(string? LongName, string? ShortName, string Description, FlagValue Value, string ValueName, IReadOnlyList<string> Choices)
{
    public static FlagSpec From(CommandOption option)
    {
        var choices = OptionRules.AllowedValuesOf(option);
        var value = option.OptionType is CommandOptionType.NoValue or CommandOptionType.SingleOrNoValue ? FlagValue.None
            : choices.Count > 0 ? FlagValue.Choice
            : option.ValueName switch
            {
                "FILE" => FlagValue.File,
                "SNAPSHOT" => FlagValue.Snapshot,
                _ => FlagValue.Text,
            };
        return new(option.LongName, option.ShortName, option.Description ?? "", value, option.ValueName ?? "VALUE", choices);
    }

    /// <summary>The flag as typed: the long name first. The help's symbol alias (<c>-?</c>) is left out: no shell completes it well.</summary>
    public IEnumerable<string> Names =>
        new[] { LongName is null ? null : "--" + LongName, ShortName is null ? null : "-" + ShortName }.OfType<string>();

    /// <summary>Whether the word after the flag is its value, not a command or another flag.</summary>
    public bool TakesValue => Value != FlagValue.None;
}
