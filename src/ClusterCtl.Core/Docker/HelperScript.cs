namespace ClusterCtl.Docker;

/// <summary>
/// A shell script for a helper and the values it works on. The values travel as environment variables and the script
/// refers to them as <c>"$NAME"</c>: a value taken from cluster.yml or from a node is never parsed as shell code, whatever
/// characters it holds, because it never becomes part of the script's text.
/// </summary>
internal sealed record HelperScript(string Text, IReadOnlyList<string> Environment)
{
    public HelperScript(string text)
        : this(text, [])
    {
    }

    /// <summary>
    /// One of the scripts under <c>Scripts/</c>, embedded in this assembly, with <paramref name="variables"/> as its
    /// parameters. Throws when no script has that name: a typo must fail the first test that runs it, not a node.
    /// </summary>
    public static HelperScript FromResource(string fileName, IEnumerable<(string Name, string Value)> variables)
    {
        using var stream = typeof(HelperScript).Assembly.GetManifestResourceStream("scripts/" + fileName)
            ?? throw new ArgumentException($"no embedded script is named {fileName}", nameof(fileName));
        using var reader = new StreamReader(stream);
        return new HelperScript(reader.ReadToEnd(), Entries(variables));
    }

    /// <summary>Environment entries <c>PREFIX_1=...</c>, <c>PREFIX_2=...</c> for a list of values, in order.</summary>
    public static IReadOnlyList<(string Name, string Value)> Numbered(string prefix, IEnumerable<string> values) =>
        values.Select((value, i) => ($"{prefix}_{i + 1}", value)).ToList();

    public static IReadOnlyList<string> Entries(IEnumerable<(string Name, string Value)> variables) =>
        variables.Select(v => v.Value.Contains('\0', StringComparison.Ordinal)
            ? throw new ArgumentException($"the value of {v.Name} holds a NUL byte, which no environment variable can", nameof(variables))
            : $"{v.Name}={v.Value}").ToList();
}
