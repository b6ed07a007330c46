using System.Globalization;
using System.Text.RegularExpressions;

namespace ClusterCtl.Config;

/// <summary>Durations in the form RKE and Go use: <c>90s</c>, <c>5m</c>, <c>12h</c>, <c>1h30m</c>.</summary>
internal static partial class GoDuration
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var matches = Part().Matches(text.Trim());
        if (matches.Count == 0 || matches.Sum(m => m.Length) != text.Trim().Length)
        {
            return false;
        }

        foreach (Match m in matches)
        {
            var value = double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            duration += m.Groups["unit"].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(value),
                "s" => TimeSpan.FromSeconds(value),
                "m" => TimeSpan.FromMinutes(value),
                _ => TimeSpan.FromHours(value),
            };
        }

        return duration > TimeSpan.Zero;
    }

    public static string Format(TimeSpan duration)
    {
        if (duration.TotalSeconds < 1)
        {
            return $"{duration.TotalMilliseconds:0}ms";
        }

        var text = "";
        if (duration.Hours + (duration.Days * 24) > 0)
        {
            text += $"{(int)duration.TotalHours}h";
        }

        if (duration.Minutes > 0)
        {
            text += $"{duration.Minutes}m";
        }

        if (duration.Seconds > 0)
        {
            text += $"{duration.Seconds}s";
        }

        return text;
    }

    [GeneratedRegex(@"(?<value>\d+(\.\d+)?)(?<unit>ms|s|m|h)")]
    private static partial Regex Part();
}
