using System.Globalization;
using ClusterCtl.Config;
using ClusterCtl.Etcd;
using ClusterCtl.Services;

namespace ClusterCtl.Restore;

/// <summary>
/// Where a restore keeps its files. Everything lives inside the etcd data directory, the host directory etcd's
/// --data-dir really is (<see cref="EtcdDataLocation"/>: /var/lib/etcd, or where extra_args and extra_binds put it),
/// so that every move is a rename on one filesystem even when the data dir is its own mount point (a dedicated disk,
/// and on the testbed):
/// <code>
/// &lt;data dir&gt;/member                          the live member
/// &lt;data dir&gt;/restore-&lt;run&gt;/snapshot.db       the raw snapshot, put there before the restore phases run
/// &lt;data dir&gt;/restore-&lt;run&gt;/data/member      what snapshot restore wrote
/// &lt;data dir&gt;/pre-restore-&lt;UTC time&gt;/member   the member the restore replaced (kept, never deleted)
/// &lt;data dir&gt;/failed-restore-&lt;run&gt;/member    a restored member that a rollback moved aside
/// </code>
/// Helpers see the data dir at <see cref="DataDirectoryInContainer"/>, as the etcd container does.
/// </summary>
internal static class RestoreLayout
{
    public const string DataDirectoryInContainer = "/var/lib/rancher/etcd";
    public const string SnapshotFileName = "snapshot.db";
    public const string ScratchPrefix = "restore-";
    public const string PreRestorePrefix = "pre-restore-";
    public const string FailedRestorePrefix = "failed-restore-";
    public const string OldEtcdContainerPrefix = "etcd-old-";

    /// <summary>A restore drill's scratch directory, in the snapshot directory; named here so that cleanup knows it too.</summary>
    public const string DrillScratchPrefix = ".verify-";

    public static string ScratchDirectoryName(string runId) => ScratchPrefix + runId;

    /// <summary>The host directory that holds etcd's member; throws (exit 2) for a layout a restore cannot follow.</summary>
    public static string HostDataDirectory(ClusterConfig config) => EtcdDataLocation.HostDataDirectory(config);

    /// <summary>The host path of this run's scratch directory, e.g. /var/lib/etcd/restore-20261121T102742-1a2b3c4d.</summary>
    public static string ScratchDirectory(ClusterConfig config, string runId) =>
        HostDataDirectory(config).TrimEnd('/') + "/" + ScratchDirectoryName(runId);

    /// <summary>The host path where the raw snapshot db must be before the restore phases run.</summary>
    public static string SnapshotInScratch(ClusterConfig config, string runId) => ScratchDirectory(config, runId) + "/" + SnapshotFileName;

    /// <summary>The same file as a helper with the data dir bound at <see cref="DataDirectoryInContainer"/> sees it.</summary>
    public static string SnapshotInScratchInContainer(string runId) => $"{DataDirectoryInContainer}/{ScratchDirectoryName(runId)}/{SnapshotFileName}";

    public static string RestoredDataDirectoryInContainer(string runId) => $"{DataDirectoryInContainer}/{ScratchDirectoryName(runId)}/data";

    /// <summary>"pre-restore-2026-11-21T10-27-42Z": UTC, sortable, no colons (they trouble some tools and filesystems).</summary>
    public static string PreRestoreDirectoryName(DateTimeOffset time) =>
        PreRestorePrefix + time.UtcDateTime.ToString("yyyy-MM-dd'T'HH-mm-ss'Z'", CultureInfo.InvariantCulture);

    public static string FailedRestoreDirectoryName(string runId) => FailedRestorePrefix + runId;

    /// <summary>
    /// The empty file the swap leaves in the restored member: found through the running etcd container at its own
    /// --data-dir, it proves that etcd runs on the member this run restored (etcd ignores other files in member/).
    /// </summary>
    public static string RestoredMarkerName(string runId) => "clusterctl-restored-" + runId;

    /// <summary>The name the original etcd container is kept under while a recreated one runs, until the restore is done.</summary>
    public static string OldEtcdContainerName(string runId) => OldEtcdContainerPrefix + runId;

    /// <summary>The bind that gives a helper the data dir where the etcd container has it.</summary>
    public static string DataDirectoryBind(ClusterConfig config, bool readOnly = false) =>
        $"{HostDataDirectory(config)}:{DataDirectoryInContainer}{(readOnly ? ":ro" : "")}";

    public static string KubernetesDirectoryBind(ClusterConfig config) =>
        $"{config.KubernetesDirectory}:{NodeHelperSpecs.KubernetesDirectoryInContainer}:ro";
}
