using System.Globalization;
using System.Runtime.CompilerServices;
using McMaster.Extensions.CommandLineUtils;

namespace ClusterCtl.Cli.Commands;

/// <summary>
/// The checks our flags need, run by <see cref="CliApplication"/> once the command line is parsed. The library's own
/// (<c>Accepts()</c>, <c>IsRequired()</c>, typed options) build validation attributes and parsers by reflection, which
/// the native build cannot do. The messages are the ones the library gave.
/// </summary>
internal static class OptionRules
{
    private static readonly ConditionalWeakTable<CommandOption, Func<string?>> Rules = [];

    public static CommandOption Required(this CommandOption option) =>
        option.Rule(() => option.HasValue() && !string.IsNullOrEmpty(option.Value()) ? null : $"The --{option.LongName} field is required.");

    public static CommandOption AllowedValues(this CommandOption option, params string[] values) =>
        option.Rule(() => !option.HasValue() || values.Contains(option.Value(), StringComparer.OrdinalIgnoreCase)
            ? null
            : $"Invalid value '{option.Value()}'. Allowed values are: {string.Join(", ", values)}");

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>; read it with <see cref="IntValue"/>.</summary>
    public static CommandOption Range(this CommandOption option, int min, int max) =>
        option.Rule(() => !option.HasValue() ? null
            : !int.TryParse(option.Value(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                ? $"Invalid value specified for {option.LongName}. '{option.Value()}' is not a valid number."
            : value < min || value > max ? string.Create(CultureInfo.InvariantCulture, $"The field --{option.LongName} must be between {min} and {max}.")
            : null);

    public static int? IntValue(this CommandOption option) =>
        option.HasValue() ? int.Parse(option.Value()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : null;

    /// <summary>The first problem with the flags that <paramref name="command"/> accepts, its own and inherited, or null.</summary>
    public static string? FirstProblem(CommandLineApplication command) =>
        command.GetOptions().Select(o => Rules.TryGetValue(o, out var rule) ? rule() : null).FirstOrDefault(p => p is not null);

    private static CommandOption Rule(this CommandOption option, Func<string?> rule)
    {
        Rules.Add(option, rule);
        return option;
    }
}
