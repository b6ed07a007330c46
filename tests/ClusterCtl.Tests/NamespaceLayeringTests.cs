using System.Text.RegularExpressions;

namespace ClusterCtl.Tests;

/// <summary>
/// The folders of ClusterCtl.Core are layers: Config and Docker at the bottom, Cluster (whole operations) at the top.
/// A namespace that uses another which uses it back is a cut gone wrong; this reads the sources, as a reviewer would.
/// </summary>
public partial class NamespaceLayeringTests
{
    [Test]
    public void No_namespace_of_the_core_library_depends_on_one_that_depends_on_it()
    {
        var dependencies = CoreNamespaceDependencies();
        var cycles = new List<string>();
        var state = new Dictionary<string, bool>(); // false: on the current path; true: done
        foreach (var start in dependencies.Keys.Order(StringComparer.Ordinal))
        {
            Visit(start, []);
        }

        Assert.That(dependencies, Has.Count.GreaterThan(8), "the sources were found and read");
        Assert.That(cycles, Is.Empty);

        void Visit(string name, List<string> path)
        {
            if (state.TryGetValue(name, out var done))
            {
                if (!done)
                {
                    cycles.Add(string.Join(" -> ", path[path.IndexOf(name)..].Append(name)));
                }

                return;
            }

            state[name] = false;
            path.Add(name);
            foreach (var next in dependencies.GetValueOrDefault(name, []).Order(StringComparer.Ordinal))
            {
                Visit(next, path);
            }

            path.RemoveAt(path.Count - 1);
            state[name] = true;
        }
    }

    /// <summary>Namespace → the other ClusterCtl namespaces its files import or name (<c>Pki.X</c>, <c>ClusterCtl.Pki.X</c>).</summary>
    private static Dictionary<string, HashSet<string>> CoreNamespaceDependencies()
    {
        var core = Path.Combine(RepositorySources.Root(), "src", "ClusterCtl.Core");
        var folders = Directory.GetDirectories(core).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).OfType<string>().ToList();
        var qualified = new Regex($@"\b(?:ClusterCtl\.)?({string.Join('|', folders)})\.[A-Z]\w*", RegexOptions.CultureInvariant);
        var dependencies = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            if (NamespaceLine().Match(text) is not { Success: true } declared)
            {
                continue;
            }

            var own = declared.Groups[1].Value;
            var used = UsingLine().Matches(text).Select(m => m.Groups[1].Value)
                .Concat(qualified.Matches(text).Select(m => "ClusterCtl." + m.Groups[1].Value))
                .Where(n => n != own && n != "ClusterCtl");
            var set = dependencies.TryGetValue(own, out var existing) ? existing : dependencies[own] = new HashSet<string>(StringComparer.Ordinal);
            set.UnionWith(used);
        }

        return dependencies;
    }

    [GeneratedRegex(@"^namespace (ClusterCtl[\w.]*);", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"^using (ClusterCtl\.\w+);", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex UsingLine();
}
