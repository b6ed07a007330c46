namespace ClusterCtl.Hosts;

/// <summary>
/// Turns a cluster.yml path (often "~/.ssh/id_rsa", sometimes relative) into the absolute path
/// ssh will read, so our own checks look at the same file and ssh's option parser never sees a leading '#' or '~'.
/// </summary>
internal static class HomePath
{
    public static string ExpandToFull(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            var home = Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            path = home + path[1..];
        }

        return Path.GetFullPath(path);
    }
}
