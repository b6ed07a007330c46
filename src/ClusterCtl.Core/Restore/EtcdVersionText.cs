using System.Text.RegularExpressions;

namespace ClusterCtl.Restore;

/// <summary>etcd versions as the binaries print them, and the "same major.minor" rule of a restore.</summary>
internal static partial class EtcdVersionText
{
    /// <summary>"3.5.16" from <c>etcd --version</c> ("etcd Version: 3.5.16"), <c>etcdutl version</c> or a bare "v3.5.16".</summary>
    public static string? Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var match = VersionLine().Match(output);
        if (match.Success)
        {
            return match.Groups[1].Value;
        }

        var bare = BareVersion().Match(output.Trim());
        return bare.Success ? bare.Groups[1].Value : null;
    }

    /// <summary>"3.5" of "3.5.16"; null when the text is not a version.</summary>
    public static string? MajorMinor(string? version)
    {
        if (version is null)
        {
            return null;
        }

        var match = BareVersion().Match(version.Trim());
        if (!match.Success)
        {
            return null;
        }

        var parts = match.Groups[1].Value.Split('.');
        return parts.Length >= 2 ? parts[0] + "." + parts[1] : null;
    }

    /// <summary>Same major.minor; true when either side is unknown (nothing to compare).</summary>
    public static bool Compatible(string? imageVersion, string? snapshotVersion) =>
        MajorMinor(imageVersion) is not { } image || MajorMinor(snapshotVersion) is not { } snapshot || image == snapshot;

    [GeneratedRegex(@"(?:etcd|etcdutl|etcdctl) [Vv]ersion: v?(\d+\.\d+(?:\.\d+)?[0-9A-Za-z.+-]*)", RegexOptions.CultureInvariant)]
    private static partial Regex VersionLine();

    [GeneratedRegex(@"^v?(\d+\.\d+(?:\.\d+)?[0-9A-Za-z.+-]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex BareVersion();
}
