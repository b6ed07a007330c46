using System.Globalization;
using ClusterCtl.Config.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace ClusterCtl.Config;

/// <summary>Reads an RKE cluster.yml, applies RKE's defaults and validates what the etcd plane relies on.</summary>
internal static class ClusterConfigLoader
{
    /// <summary>The environment variable RKE reads for the config path.</summary>
    public const string ConfigEnvironmentVariable = "RKE_CONFIG";

    public const string DefaultConfigFile = "cluster.yml";

    // Built from the generated context rather than by reflection, so that loading works in the trimmed native build.
    private static readonly Deserializer Deserializer = Deserializer.FromValueDeserializer(
        new ConvertingValueDeserializer(new StaticDeserializerBuilder(new RkeYamlContext())
            .WithNamingConvention(UnderscoredNamingConvention.Instance)
            .IgnoreUnmatchedProperties()
            .WithDuplicateKeyChecking()
            .BuildValueDeserializer()));

    /// <summary>The config path: the flag, else <c>RKE_CONFIG</c>, else <c>cluster.yml</c>.</summary>
    public static string ResolvePath(string? flagValue) =>
        !string.IsNullOrWhiteSpace(flagValue) ? flagValue
        : Environment.GetEnvironmentVariable(ConfigEnvironmentVariable) is { Length: > 0 } env ? env
        : DefaultConfigFile;

    public static ClusterConfig Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ClusterCtlException(
                $"config file {path} not found; pass --config <path> or set {ConfigEnvironmentVariable}",
                ExitCodes.InvalidInput);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new ClusterCtlException($"config file {path} cannot be read: {e.Message}", ExitCodes.InvalidInput);
        }

        return Parse(text, path);
    }

    public static ClusterConfig Parse(string yaml, string path)
    {
        var fullPath = Path.GetFullPath(path);
        var positions = new YamlPositionIndex(ParseTree(yaml, path));
        var document = Deserialize(yaml, path, positions);
        return new ClusterConfigResolver(path, Path.GetDirectoryName(fullPath)!, positions).Resolve(document, fullPath);
    }

    private static RkeClusterDocument Deserialize(string yaml, string path, YamlPositionIndex positions)
    {
        try
        {
            return Deserializer.Deserialize<RkeClusterDocument?>(yaml)
                ?? throw new ConfigException(path, null, "the file is empty; it must define nodes: with at least one etcd node");
        }
        catch (YamlException e)
        {
            var key = positions.PathAt(e.Start) is { } p ? (p.Length == 0 ? "the document" : p) : null;
            var message = key is not null && ExpectedShape(e) is { } expected ? $"{key}: expected {expected}" : DescribeYamlError(e);
            throw new ConfigException(path, e.Start, message, e);
        }
    }

    // YamlDotNet reports a value of the wrong shape in terms of .NET types; say it in YAML's terms.
    private static string? ExpectedShape(YamlException e)
    {
        var all = string.Join(" | ", Causes(e).Select(c => c.Message));
        return all switch
        {
            _ when all.Contains("'SequenceStart', got", StringComparison.Ordinal) || all.Contains("List`1", StringComparison.Ordinal) => "a list",
            _ when all.Contains("'MappingStart', got", StringComparison.Ordinal) || all.Contains("into type", StringComparison.Ordinal) => "a mapping (key: value)",
            _ when Causes(e).Any(c => c is FormatException or OverflowException) && all.Contains("Boolean", StringComparison.Ordinal) => "true or false",
            _ when Causes(e).Any(c => c is FormatException or OverflowException) => "a number",
            _ => null,
        };
    }

    private static IEnumerable<Exception> Causes(Exception e)
    {
        for (Exception? c = e; c is not null; c = c.InnerException)
        {
            yield return c;
        }
    }

    private static YamlNode? ParseTree(string yaml, string path)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new ConfigException(path, e.Start, DescribeYamlError(e), e);
        }

        return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
    }

    // YamlDotNet wraps the real cause and prefixes positions we already print; keep only the cause.
    private static string DescribeYamlError(YamlException e)
    {
        var cause = e;
        while (cause.InnerException is YamlException inner)
        {
            cause = inner;
        }

        var message = cause.InnerException is { } root && cause.Message.Contains("Exception during deserialization", StringComparison.Ordinal)
            ? DescribeConversionError(root)
            : StripPosition(cause.Message);
        return message;
    }

    private static string DescribeConversionError(Exception e) => e switch
    {
        FormatException => "the value has the wrong type: " + e.Message,
        OverflowException => "the number is out of range",
        _ => e.Message,
    };

    private static string StripPosition(string message)
    {
        // "(Line: 3, Col: 5, Idx: 20) - (Line: 3, Col: 6, Idx: 21): While scanning ..." -> "While scanning ..."
        var at = message.IndexOf("): ", StringComparison.Ordinal);
        var text = message.StartsWith("(Line:", StringComparison.Ordinal) && at > 0 ? message[(at + 3)..] : message;
        return text.Length > 0 ? char.ToLower(text[0], CultureInfo.InvariantCulture) + text[1..] : text;
    }
}
