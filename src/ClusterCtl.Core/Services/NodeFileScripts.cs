using System.Globalization;
using ClusterCtl.Docker;

namespace ClusterCtl.Services;

/// <summary>
/// The file work every layer does in a directory a helper has mounted (the snapshot directory, the data dir, the
/// certificate directory): one script for each, whichever layer asks.
/// </summary>
internal static class NodeFileScripts
{
    // The names reach the script as CLUSTERCTL_FILE_1, ...: they may carry a node's address, and are never its text.
    private const string FileVariable = "CLUSTERCTL_FILE";

    /// <summary>Removes the named files of <paramref name="directory"/>; a missing one is no error.</summary>
    public static HelperScript RemoveFiles(string directory, IEnumerable<string> fileNames)
    {
        var variables = HelperScript.Numbered(FileVariable, fileNames);
        return HelperScript.FromResource("remove-files.sh",
        [
            ("DIR", directory),
            ("FILE_COUNT", variables.Count.ToString(CultureInfo.InvariantCulture)),
            .. variables,
        ]);
    }

    /// <summary>The free space of <paramref name="directory"/>'s filesystem, as <c>df -P -k</c> prints it; reads only.</summary>
    public static HelperScript FreeSpace(string directory) => HelperScript.FromResource("free-space.sh", [("DIR", directory)]);
}
