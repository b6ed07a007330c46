using System.Globalization;
using ClusterCtl.Docker;
using ClusterCtl.Services;

namespace ClusterCtl.Verify;

/// <summary>
/// The alpine scripts of a restore drill (files under <c>Scripts/verify-*.sh</c>), for the helpers
/// <see cref="DrillHelperSpecs"/> describes. Every value reaches them through the environment.
/// </summary>
internal static class DrillScripts
{
    private static readonly (string, string) SnapshotDirectory = ("SNAPSHOT_DIR", NodeHelperSpecs.SnapshotDirectoryInContainer);

    private static (string, string) Scratch(string runId) => ("SCRATCH", DrillHelperSpecs.ScratchDirectoryName(runId));

    /// <summary>Creates the drill's scratch directory in the snapshot directory, mounted at its usual place.</summary>
    public static HelperScript CreateScratch(string runId) => HelperScript.FromResource("verify-create-scratch.sh", [SnapshotDirectory, Scratch(runId)]);

    /// <summary>Removes the drill's scratch directory from the snapshot directory, mounted at its usual place.</summary>
    public static HelperScript RemoveScratch(string runId) => HelperScript.FromResource("verify-remove-scratch.sh", [SnapshotDirectory, Scratch(runId)]);
}
