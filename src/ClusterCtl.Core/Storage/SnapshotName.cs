using System.Globalization;
using System.Text.RegularExpressions;

namespace ClusterCtl.Storage;

/// <summary>
/// Snapshot names and the file names they map to. A name is limited to <c>[A-Za-z0-9._-]</c> so that it can
/// never escape a directory or an S3 folder, and carries no colon, which breaks Windows and some S3 stores.
/// </summary>
internal static partial class SnapshotName
{
    public const int MaxLength = 200;
    public const string ZipExtension = ".zip";

    /// <summary>Names a half-written upload or copy; such files are never taken for snapshots.</summary>
    public const string PartialSuffix = ".partial";

    private const string TempSuffix = ".tmp";

    /// <summary>Returns <paramref name="name"/> when it is a valid snapshot name; otherwise throws (exit 2).</summary>
    public static string Validate(string? name)
    {
        if (IsValid(name))
        {
            return name!;
        }

        var shown = name is null ? "(none)" : $"\"{Truncate(name)}\"";
        throw new ClusterCtlException(
            $"snapshot name {shown} is invalid: use 1 to {MaxLength} of the characters A-Z a-z 0-9 . _ - (and not \".\" or \"..\")",
            ExitCodes.InvalidInput);
    }

    public static bool IsValid(string? name) => name is not null && AllowedName().IsMatch(name) && name is not ("." or "..");

    /// <summary><c>&lt;cluster_name or "rke"&gt;_etcd_snapshot_2026-11-21T10-27-42Z</c>: RKE's pattern without colons.</summary>
    public static string Default(string? clusterName, DateTimeOffset utcNow)
    {
        var name = $"{ClusterPrefix(clusterName)}_etcd_snapshot_{utcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH-mm-ss'Z'", CultureInfo.InvariantCulture)}";

        // A cluster name with other characters would make an invalid name: fail here, not at upload time.
        return Validate(name);
    }

    /// <summary>The cluster's name as snapshot names and manifests use it: RKE's default <c>rke</c> when none is set.</summary>
    public static string ClusterPrefix(string? clusterName) => string.IsNullOrWhiteSpace(clusterName) ? "rke" : clusterName.Trim();

    /// <summary>The artifact's file (and S3 object) name: <c>&lt;name&gt;.zip</c>.</summary>
    public static string FileName(string name) => Validate(name) + ZipExtension;

    /// <summary>
    /// The snapshot name a file in the snapshot directory or an S3 folder stands for: <c>&lt;name&gt;.zip</c>, or a raw
    /// db file (plain <c>etcdctl snapshot save</c> output) by its whole name. Hidden, temporary and partial files
    /// (<c>.x</c>, <c>x.tmp</c>, <c>x.partial</c>) and names with other characters give null.
    /// </summary>
    public static string? FromFileName(string? fileName)
    {
        if (string.IsNullOrEmpty(fileName) || fileName.StartsWith('.')
            || fileName.EndsWith(PartialSuffix, StringComparison.OrdinalIgnoreCase)
            || fileName.EndsWith(TempSuffix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var name = fileName.EndsWith(ZipExtension, StringComparison.OrdinalIgnoreCase) ? fileName[..^ZipExtension.Length] : fileName;
        return IsValid(name) ? name : null;
    }

    private static string Truncate(string name) => name.Length <= 60 ? name : name[..60] + "...";

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,200}\z", RegexOptions.CultureInvariant)]
    private static partial Regex AllowedName();
}
