using System.Globalization;
using System.Runtime.CompilerServices;
using McMaster.Extensions.CommandLineUtils;

namespace ClusterCtl.Cli.Commands;

/// <summary>
/// The checks our flags and arguments need, run by <see cref="CliApplication"/> once the command line is parsed. The
/// library's own (<c>Accepts()</c>, <c>IsRequired()</c>, typed options) build validation attributes and parsers by
/// reflection, which the native build cannot do. The messages are the ones the library gave.
/// </summary>
internal static class OptionRules
{
    private static readonly ConditionalWeakTable<object, Func<string?>> Rules = [];

    // Kept beside the rule so that the completion scripts offer the very values the rule accepts.
    private static readonly ConditionalWeakTable<object, string[]> Values = [];

    public static CommandOption Required(this CommandOption option) =>
        option.Rule(() => option.HasValue() && !string.IsNullOrEmpty(option.Value()) ? null : $"The --{option.LongName} field is required.");

    public static CommandOption AllowedValues(this CommandOption option, params string[] values)
    {
        Values.Add(option, values);
        return option.Rule(() => !option.HasValue() || values.Contains(option.Value(), StringComparer.OrdinalIgnoreCase)
            ? null
            : $"Invalid value '{option.Value()}'. Allowed values are: {string.Join(", ", values)}");
    }

    /// <summary>A required argument, one of <paramref name="values"/>.</summary>
    public static CommandArgument OneOf(this CommandArgument argument, params string[] values)
    {
        Values.Add(argument, values);
        return argument.Rule(() => argument.Value is null
            ? $"The {argument.Name} argument is required. Allowed values are: {string.Join(", ", values)}"
            : values.Contains(argument.Value, StringComparer.OrdinalIgnoreCase)
                ? null
                : $"Invalid value '{argument.Value}'. Allowed values are: {string.Join(", ", values)}");
    }

    /// <summary>The values <paramref name="option"/> is limited to, or none when it takes any.</summary>
    public static IReadOnlyList<string> AllowedValuesOf(CommandOption option) => Values.TryGetValue(option, out var values) ? values : [];

    /// <summary>The values <paramref name="argument"/> is limited to, or none when it takes any.</summary>
    public static IReadOnlyList<string> AllowedValuesOf(CommandArgument argument) => Values.TryGetValue(argument, out var values) ? values : [];

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>; read it with <see cref="IntValue"/>.</summary>
    public static CommandOption Range(this CommandOption option, int min, int max) =>
        option.Rule(() => !option.HasValue() ? null
            : !int.TryParse(option.Value(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                ? $"Invalid value specified for {option.LongName}. '{option.Value()}' is not a valid number."
            : value < min || value > max ? string.Create(CultureInfo.InvariantCulture, $"The field --{option.LongName} must be between {min} and {max}.")
            : null);

    public static int? IntValue(this CommandOption option) =>
        option.HasValue() ? int.Parse(option.Value()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : null;

    /// <summary>The first problem with the flags that <paramref name="command"/> accepts, its own and inherited, then with its arguments, or null.</summary>
    public static string? FirstProblem(CommandLineApplication command) =>
        command.GetOptions().Concat<object>(command.Arguments).Select(o => Rules.TryGetValue(o, out var rule) ? rule() : null).FirstOrDefault(p => p is not null);

    private static T Rule<T>(this T target, Func<string?> rule)
        where T : class
    {
        Rules.Add(target, rule);
        return target;
    }
}
