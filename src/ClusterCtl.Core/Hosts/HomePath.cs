namespace ClusterCtl.Hosts;

/// <summary>Expands a leading <c>~/</c>, as cluster.yml paths (ssh_key_path) are often written, so we check the file ssh will read.</summary>
internal static class HomePath
{
    public static string Expand(string path)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            var home = Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return home + path[1..];
        }

        return path;
    }
}
