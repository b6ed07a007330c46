using System.Text;
using System.Text.RegularExpressions;

namespace ClusterCtl.Docker;

/// <summary>
/// Container names as the API reports them. Docker's <c>name</c> list filter is an unanchored regular
/// expression over "/name", so "etcd" also matches "etcd-rolling-snapshots" and "kube-etcd-x". We anchor
/// and escape the pattern to let the daemon do most of the work, and still check every result exactly.
/// </summary>
internal static partial class ContainerNames
{
    /// <summary>A name docker accepts, and therefore one we may create.</summary>
    public static bool IsValid(string name) => name is not null && ValidName().IsMatch(name);

    /// <summary>A <c>name</c> filter value that matches only this exact name (Go RE2 syntax).</summary>
    public static string ExactNameFilter(string name) => "^/" + QuoteGoRegex(name) + "$";

    public static bool HasExactName(ContainerSummary container, string name)
    {
        ArgumentNullException.ThrowIfNull(container);
        var wanted = "/" + name;
        return container.Names.Any(n => string.Equals(n, wanted, StringComparison.Ordinal));
    }

    /// <summary>The container's own name without docker's slash; link aliases ("/a/b") are skipped.</summary>
    public static string PrimaryName(ContainerSummary container)
    {
        ArgumentNullException.ThrowIfNull(container);
        var own = container.Names.FirstOrDefault(n => n.LastIndexOf('/') == 0)
            ?? (container.Names.Count > 0 ? container.Names[0] : container.Id);
        return own.TrimStart('/');
    }

    /// <summary>The same characters Go's regexp.QuoteMeta escapes, so the daemon reads the name literally.</summary>
    private static string QuoteGoRegex(string text)
    {
        var escaped = new StringBuilder(text.Length + 4);
        foreach (var c in text)
        {
            if (@"\.+*?()|[]{}^$".Contains(c, StringComparison.Ordinal))
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ValidName();
}
