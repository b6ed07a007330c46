using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ClusterCtl.Config.Yaml;

/// <summary>
/// Maps a key path such as <c>nodes[1].port</c> to where its value starts in the file,
/// so that validation errors found after deserialization can still point at a line and column.
/// </summary>
internal sealed class YamlPositionIndex
{
    private readonly Dictionary<string, Mark> _positions = new(StringComparer.Ordinal);

    public YamlPositionIndex(YamlNode? root)
    {
        if (root is not null)
        {
            Walk(root, "");
        }
    }

    /// <summary>The position of the path, or of its nearest ancestor that is in the file.</summary>
    public Mark? Find(string path)
    {
        for (var p = path; ; p = Parent(p))
        {
            if (_positions.TryGetValue(p, out var mark))
            {
                return mark;
            }

            if (p.Length == 0)
            {
                return null;
            }
        }
    }

    /// <summary>The key path of the value that starts at this position, for errors YamlDotNet reports by position only.</summary>
    public string? PathAt(Mark position) =>
        _positions.Where(p => p.Value.Line == position.Line && p.Value.Column == position.Column)
            .Select(p => p.Key)
            .OrderByDescending(p => p.Length)
            .FirstOrDefault();

    private void Walk(YamlNode node, string path)
    {
        _positions[path] = node.Start;
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is YamlScalarNode { Value: { } name })
                    {
                        Walk(value, path.Length == 0 ? name : path + "." + name);
                    }
                }

                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    Walk(sequence.Children[i], $"{path}[{i}]");
                }

                break;
        }
    }

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "" : path[..cut];
    }
}
