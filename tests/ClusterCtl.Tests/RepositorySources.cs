namespace ClusterCtl.Tests;

/// <summary>The checkout the tests were built from, for tests that read the sources as a reviewer would.</summary>
internal static class RepositorySources
{
    public static string Root()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ClusterCtl.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("ClusterCtl.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The C# files under <paramref name="folder"/> of the checkout, build output left out.</summary>
    public static IEnumerable<string> CSharpFiles(string folder) =>
        Directory.EnumerateFiles(Path.Combine(Root(), folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal));
}
