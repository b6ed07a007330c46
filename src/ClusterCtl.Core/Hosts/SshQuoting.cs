namespace ClusterCtl.Hosts;

/// <summary>
/// Escaping for the three interpreters our strings pass through: ssh's %-token expansion
/// (ControlPath, IdentityFile, forward paths, ProxyCommand ...), ssh's quote-aware splitting of
/// "-o Name=value" arguments, and /bin/sh (ProxyCommand, remote commands).
/// </summary>
internal static class SshQuoting
{
    /// <summary>Makes a literal for ssh's %-expansion: <c>%</c> becomes <c>%%</c>.</summary>
    public static string EscapePercent(string value) => value.Replace("%", "%%", StringComparison.Ordinal);

    /// <summary>POSIX single-quoting: safe for any byte string except NUL.</summary>
    public static string ShellQuote(string value) => "'" + value.Replace("'", @"'\''", StringComparison.Ordinal) + "'";

    /// <summary>
    /// A path given directly as an argument that ssh %-expands but does not split (-S, -L).
    /// </summary>
    public static string PathArgument(string path, string what) => EscapePercent(CheckedPath(path, what));

    /// <summary>
    /// A path as the value of "-o Name=value". ssh splits such values on spaces and quotes
    /// (OpenSSH 8.7+), then %-expands them: so %-escape, and double-quote when needed.
    /// </summary>
    public static string OptionPath(string path, string what)
    {
        var escaped = EscapePercent(CheckedPath(path, what));
        return escaped.Any(c => c is ' ' or '\'' or '#' or '=') ? "\"" + escaped + "\"" : escaped;
    }

    /// <summary>
    /// Refuses what cannot be passed through all three layers: <c>${</c> (ssh expands environment
    /// variables in paths and has no escape for it), and <c>"</c> or <c>\</c> (ssh's option
    /// splitter would unbalance the quoting of the bastion's ProxyCommand).
    /// </summary>
    private static string CheckedPath(string path, string what)
    {
        if (path.Contains("${", StringComparison.Ordinal) || path.Any(c => c is '"' or '\\' || char.IsControl(c)))
        {
            throw new ClusterCtlException($"{what} '{path}' contains '${{', a double quote, a backslash or a control character, which ssh cannot take; use a path without them", ExitCodes.InvalidInput);
        }

        return path;
    }
}
