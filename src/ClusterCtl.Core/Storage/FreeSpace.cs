using System.Globalization;

namespace ClusterCtl.Storage;

/// <summary>
/// Reads POSIX <c>df -P -k</c> output, which busybox and coreutils print alike: what
/// <see cref="SnapshotDirectoryScripts.FreeSpace"/> prints, and the restore's own free-space script for the data dir.
/// </summary>
internal static class FreeSpace
{
    public static long? ParseDfOutput(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length < 2)
        {
            return null;
        }

        // Filesystem 1024-blocks Used Available Capacity Mounted-on; a long device name may wrap onto its own line.
        var fields = string.Join(' ', lines.Skip(1)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length >= 6 && long.TryParse(fields[^3], NumberStyles.None, CultureInfo.InvariantCulture, out var kib)
            ? kib * 1024
            : null;
    }
}
