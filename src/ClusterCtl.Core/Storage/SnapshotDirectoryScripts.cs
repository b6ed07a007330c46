using System.Globalization;
using ClusterCtl.Docker;
using ClusterCtl.Services;

namespace ClusterCtl.Storage;

/// <summary>
/// The scripts that work on a node's snapshot directory, mounted at <see cref="NodeHelperSpecs.SnapshotDirectoryInContainer"/>
/// (files under <c>Scripts/snapshot-*.sh</c>). Every value reaches them through the environment.
/// </summary>
internal static class SnapshotDirectoryScripts
{
    /// <summary>What <see cref="Exists"/> prints for each form of the snapshot it finds.</summary>
    public const string FoundMarker = "found";

    private static readonly (string, string) SnapshotDirectory = ("SNAPSHOT_DIR", NodeHelperSpecs.SnapshotDirectoryInContainer);

    /// <summary>The free space of the snapshot directory's filesystem, as <c>df -P -k</c> prints it (read by <see cref="Storage.FreeSpace"/>); reads only.</summary>
    public static HelperScript FreeSpace() => NodeFileScripts.FreeSpace(NodeHelperSpecs.SnapshotDirectoryInContainer);

    /// <summary>Removes the named files of the snapshot directory; a missing one is no error.</summary>
    public static HelperScript RemoveFiles(IEnumerable<string> fileNames) =>
        NodeFileScripts.RemoveFiles(NodeHelperSpecs.SnapshotDirectoryInContainer, fileNames);

    /// <summary>Writes the drill's mark of <paramref name="fileName"/>: verified with <paramref name="sha256"/> at <paramref name="at"/>.</summary>
    public static HelperScript MarkVerified(string fileName, string sha256, DateTimeOffset at) => HelperScript.FromResource("snapshot-mark-verified.sh",
    [
        SnapshotDirectory,
        ("MARK", NodeSnapshotDirectory.VerifiedMarkName(fileName)),
        ("AT", at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        ("SHA", sha256),
    ]);

    /// <summary>Prints <see cref="FoundMarker"/> for each form (<c>name.zip</c>, raw <c>name</c>) of the snapshot the directory holds.</summary>
    public static HelperScript Exists(string name) => HelperScript.FromResource("snapshot-exists.sh",
    [
        SnapshotDirectory,
        ("SNAPSHOT", name),
        ("FOUND", FoundMarker),
    ]);

    /// <summary>
    /// The listing, one line per file as <see cref="NodeSnapshotDirectory.ParseListingLine"/> reads it: every
    /// snapshot-like file, or with <paramref name="name"/> only that snapshot's files and, for a zip, its last bytes.
    /// </summary>
    public static HelperScript List(string? name) => HelperScript.FromResource("snapshot-list.sh",
    [
        SnapshotDirectory,
        ("SNAPSHOT", name ?? ""),
        ("MANIFEST_ENTRY", SnapshotZipLayout.ManifestEntryName),
        ("MANIFEST_MAX_BYTES", SnapshotManifest.MaxJsonBytes.ToString(CultureInfo.InvariantCulture)),
        ("ZIP_TAIL_BYTES", ZipCentralDirectory.TailBytes.ToString(CultureInfo.InvariantCulture)),
    ]);
}
