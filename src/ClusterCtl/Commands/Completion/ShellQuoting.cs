namespace ClusterCtl.Cli.Commands.Completion;

/// <summary>Single-quoted words for the scripts, so that a description's quotes and dollars stay text.</summary>
internal static class ShellQuoting
{
    /// <summary>bash and zsh: a quote ends the string, is escaped, and a new one starts.</summary>
    public static string Posix(string text) => "'" + text.Replace("'", @"'\''", StringComparison.Ordinal) + "'";

    /// <summary>fish: backslash and quote are escaped inside the quotes.</summary>
    public static string Fish(string text) =>
        "'" + text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("'", @"\'", StringComparison.Ordinal) + "'";
}
