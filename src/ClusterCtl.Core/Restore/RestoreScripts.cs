using System.Globalization;
using ClusterCtl.Docker;
using ClusterCtl.Services;
using ClusterCtl.Storage;

namespace ClusterCtl.Restore;

/// <summary>
/// The scripts the restore runs in alpine helpers with the data dir at <see cref="RestoreLayout.DataDirectoryInContainer"/>
/// (files under <c>Scripts/restore-*.sh</c>). They only ever rename (mv) and make directories: no data is copied or
/// deleted, and every move stays on the data dir's filesystem. Every value reaches them through the environment.
/// </summary>
internal static class RestoreScripts
{
    /// <summary>What the swap prints when it moved the live member into the pre-restore directory.</summary>
    public const string MovedOriginalMarker = "moved-original";

    /// <summary>What the swap prints when the restored member is in place.</summary>
    public const string MovedRestoredMarker = "moved-restored";

    /// <summary>The environment variables that carry the certificate paths into <see cref="Facts"/>: CLUSTERCTL_CERT_1, ...</summary>
    public const string CertificateVariable = "CLUSTERCTL_CERT";

    /// <summary>Where the db lands in the scratch directory until the node has checked it.</summary>
    public const string PartialFileName = RestoreLayout.SnapshotFileName + SnapshotName.PartialSuffix;

    private static readonly (string, string) DataDirectory = ("DATA_DIR", RestoreLayout.DataDirectoryInContainer);

    private static (string, string) Scratch(string runId) => ("SCRATCH", RestoreLayout.ScratchDirectoryName(runId));

    /// <summary>Phase 3 facts, printed as key=value lines (read by <see cref="PreflightFacts"/>); reads only (test, stat, df).</summary>
    public static HelperScript Facts(string runId, IEnumerable<string> certificates)
    {
        var certificateVariables = HelperScript.Numbered(CertificateVariable, certificates);
        return HelperScript.FromResource("restore-facts.sh",
        [
            DataDirectory,
            Scratch(runId),
            ("SNAPSHOT_FILE", RestoreLayout.SnapshotFileName),
            ("CERT_COUNT", certificateVariables.Count.ToString(CultureInfo.InvariantCulture)),
            .. certificateVariables,
        ]);
    }

    /// <summary>The free space of the data dir's filesystem, as <c>df -P -k</c> prints it; reads only.</summary>
    public static HelperScript FreeSpace() => NodeFileScripts.FreeSpace(RestoreLayout.DataDirectoryInContainer);

    /// <summary>
    /// Phase 6's swap: the live member goes to pre-restore-&lt;time&gt;/member (when there is one), the restored member
    /// takes its place, marked with <see cref="RestoreLayout.RestoredMarkerName"/>. Prints <see cref="MovedOriginalMarker"/>
    /// and <see cref="MovedRestoredMarker"/> as it goes.
    /// </summary>
    public static HelperScript Swap(string runId, string preRestoreDirectory) => HelperScript.FromResource("restore-swap.sh",
    [
        DataDirectory,
        Scratch(runId),
        ("PRE_RESTORE", preRestoreDirectory),
        ("RESTORED_MARKER", RestoreLayout.RestoredMarkerName(runId)),
        ("MOVED_ORIGINAL", MovedOriginalMarker),
        ("MOVED_RESTORED", MovedRestoredMarker),
    ]);

    /// <summary>
    /// The rollback of one node's data, safe to run whatever part of the swap happened. With
    /// <paramref name="originalMustBeBacked"/> (the swap is known to have moved the original) a missing backup is an
    /// error rather than "nothing was moved".
    /// </summary>
    public static HelperScript RollBack(string runId, string preRestoreDirectory, bool hadOriginal, bool originalMustBeBacked) =>
        HelperScript.FromResource("restore-roll-back.sh",
        [
            DataDirectory,
            ("PRE_RESTORE", preRestoreDirectory),
            ("FAILED_RESTORE", RestoreLayout.FailedRestoreDirectoryName(runId)),
            ("HAD_ORIGINAL", hadOriginal ? "yes" : "no"),
            ("ORIGINAL_MUST_BE_BACKED", originalMustBeBacked ? "yes" : "no"),
        ]);

    /// <summary>Extracts the db entry matching <paramref name="entryPattern"/> from a zip on the node into place.</summary>
    public static HelperScript Extract(string runId, string zipPath, string entryPattern, long expectedSize) => HelperScript.FromResource("restore-extract.sh",
    [
        DataDirectory,
        Scratch(runId),
        ("PARTIAL", PartialFileName),
        ("SNAPSHOT_FILE", RestoreLayout.SnapshotFileName),
        ("ZIP", zipPath),
        ("ENTRY_PATTERN", entryPattern),
        ("EXPECTED_SIZE", expectedSize.ToString(CultureInfo.InvariantCulture)),
    ]);

    /// <summary>After a successful restore: this run's scratch directory holds only the snapshot copy and an empty data dir.</summary>
    public static HelperScript RemoveScratch(string runId) =>
        HelperScript.FromResource("restore-remove-scratch.sh", [DataDirectory, Scratch(runId)]);
}
