using McMaster.Extensions.CommandLineUtils;

namespace ClusterCtl.Cli.Commands;

/// <summary>The <c>--output table|json</c> flag that every reporting command takes.</summary>
internal static class OutputOption
{
    public static CommandOption Declare(CommandLineApplication command)
    {
        var option = command.Option("--output <FORMAT>", "table or json.", CommandOptionType.SingleValue);
        option.AllowedValues("table", "json");
        return option;
    }

    public static OutputFormat Format(this CommandOption option) =>
        string.Equals(option.Value(), "json", StringComparison.OrdinalIgnoreCase) ? OutputFormat.Json : OutputFormat.Table;
}
