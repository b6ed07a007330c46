using System.Globalization;

namespace ClusterCtl.Bench;

/// <summary>A target etcd db size: the loader writes until etcd reports at least this many bytes.</summary>
internal readonly record struct DbSize(string Label, long Bytes)
{
    /// <summary>A few MB: what the tool costs when there is almost nothing to move.</summary>
    public static readonly DbSize Small = new("small", 4L << 20);

    public static DbSize Parse(string text)
    {
        if (text.Equals("small", StringComparison.OrdinalIgnoreCase))
        {
            return Small;
        }

        var unit = char.ToUpperInvariant(text[^1]);
        var shift = unit switch { 'M' => 20, 'G' => 30, _ => throw new ArgumentException($"size '{text}': use small, or a number with M or G (32M, 1G)") };
        return long.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? new DbSize(text.ToUpperInvariant() is var label && label.EndsWith('G') ? $"{n} GiB" : $"{n} MiB", n << shift)
            : throw new ArgumentException($"size '{text}': use small, or a number with M or G (32M, 1G)");
    }

    public override string ToString() => Label;
}
