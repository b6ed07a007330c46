namespace ClusterCtl.Hosts;

/// <summary>
/// Escaping for the two interpreters our strings pass through: ssh's own %-token expansion
/// (ControlPath, IdentityFile, forward paths, ProxyCommand ...) and /bin/sh (ProxyCommand, remote commands).
/// </summary>
internal static class SshQuoting
{
    /// <summary>Makes a literal for ssh's %-expansion: <c>%</c> becomes <c>%%</c>.</summary>
    public static string EscapePercent(string value) => value.Replace("%", "%%", StringComparison.Ordinal);

    /// <summary>POSIX single-quoting: safe for any byte string except NUL.</summary>
    public static string ShellQuote(string value) => "'" + value.Replace("'", @"'\''", StringComparison.Ordinal) + "'";

    /// <summary>
    /// A path ssh will expand: %-escaped. <c>${</c> cannot be escaped (ssh expands environment
    /// variables in these paths and has no escape for it), so such paths are refused.
    /// </summary>
    public static string PathForSsh(string path, string what)
    {
        if (path.Contains("${", StringComparison.Ordinal))
        {
            throw new ClusterCtlException($"{what} '{path}' contains '${{', which ssh would expand as an environment variable; use a path without it", ExitCodes.InvalidInput);
        }

        return EscapePercent(path);
    }
}
