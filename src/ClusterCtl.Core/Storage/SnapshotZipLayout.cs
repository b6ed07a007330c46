namespace ClusterCtl.Storage;

/// <summary>
/// Entry names inside a snapshot zip. rke-tools writes absolute names (<c>/backup/&lt;name&gt;</c>,
/// <c>/etc/kubernetes/&lt;name&gt;.rkestate</c>) and RKE extracts by exact name, so we write those; when reading we
/// also accept relative names, because zips re-packed by hand or by other tools have them.
/// </summary>
internal static class SnapshotZipLayout
{
    /// <summary>Our manifest; a name RKE never asks for, so RKE's restore ignores it.</summary>
    public const string ManifestEntryName = "clusterctl-manifest.json";

    public const string RkeStateExtension = ".rkestate";

    public static string DbEntryName(string name) => "/backup/" + SnapshotName.Validate(name);

    public static string RkeStateEntryName(string name) => "/etc/kubernetes/" + SnapshotName.Validate(name) + RkeStateExtension;

    public static bool IsDirectory(string entryName) => entryName.EndsWith('/');

    public static bool IsManifest(string entryName) => BaseName(entryName) == ManifestEntryName;

    public static bool IsRkeState(string entryName) => entryName.EndsWith(RkeStateExtension, StringComparison.Ordinal);

    private static string BaseName(string entryName) => entryName[(entryName.LastIndexOf('/') + 1)..];
}
