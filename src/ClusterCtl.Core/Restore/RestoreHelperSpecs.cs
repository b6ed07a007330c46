using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Etcd;
using ClusterCtl.Services;

namespace ClusterCtl.Restore;

/// <summary>The helper containers of a restore: etcd-image one-shots (version, etcdutl, snapshot restore) and alpine shells on the data dir.</summary>
internal static class RestoreHelperSpecs
{
    /// <summary>etcdutl's revision bump: far above anything a cluster reaches, so every watcher sees its revision as old and relists.</summary>
    public const long RevisionBump = 1_000_000_000;

    public static HelperSpec EtcdVersion(ClusterConfig config) => EtcdHelperSpecs.EtcdImage(config, "restore-etcd-version", "etcd", ["--version"]);

    /// <summary>Exits with "executable file not found" at start when the image has no etcdutl (etcd 3.4 and older).</summary>
    public static HelperSpec EtcdutlHelp(ClusterConfig config) => EtcdHelperSpecs.EtcdImage(config, "restore-etcdutl-check", "etcdutl", ["snapshot", "restore", "--help"]);

    /// <summary>
    /// The one-shot <c>etcd-restore</c> of phase 5: restores this run's snapshot into restore-&lt;run&gt;/data with the
    /// member name, cluster, token and peer URL the node's etcd container runs with.
    /// </summary>
    public static HelperSpec SnapshotRestore(ClusterConfig config, EtcdContainerSpec spec, string runId, RestoreTool tool, bool bumpRevision)
    {
        ArgumentNullException.ThrowIfNull(spec);
        List<string> args =
        [
            "snapshot", "restore", RestoreLayout.SnapshotInScratchInContainer(runId),
            "--data-dir", RestoreLayout.RestoredDataDirectoryInContainer(runId),
            "--name", spec.MemberName,
            "--initial-cluster", spec.InitialCluster,
            "--initial-cluster-token", spec.InitialClusterToken,
            "--initial-advertise-peer-urls", spec.InitialAdvertisePeerUrls,
        ];
        if (tool == RestoreTool.Etcdutl && bumpRevision)
        {
            args.AddRange(["--bump-revision", RevisionBump.ToString(System.Globalization.CultureInfo.InvariantCulture), "--mark-compacted"]);
        }

        return EtcdHelperSpecs.EtcdImage(config, "etcd-restore", tool == RestoreTool.Etcdutl ? "etcdutl" : "etcdctl", args) with
        {
            Binds = [RestoreLayout.DataDirectoryBind(config)],
        };
    }

    /// <summary>
    /// A shell in the alpine image with the data dir where the etcd container has it, the certificates (read-only) and
    /// the snapshot directory (read-only). Every restore shell step binds the same, so that within a restore they all
    /// share one container per node (<see cref="HelperSpec.Shareable"/>); the scripts that only read say so themselves.
    /// </summary>
    public static HelperSpec DataShell(ClusterConfig config, string purpose, string script) => DataShell(config, purpose, new HelperScript(script));

    /// <summary>As <see cref="DataShell(ClusterConfig, string, string)"/>, with the script's values in the environment (of the exec, when shared).</summary>
    public static HelperSpec DataShell(ClusterConfig config, string purpose, HelperScript script) =>
        NodeHelperSpecs.AlpineShell(config, purpose, script,
            [RestoreLayout.DataDirectoryBind(config), RestoreLayout.KubernetesDirectoryBind(config), $"{config.SnapshotDirectory}:{NodeHelperSpecs.SnapshotDirectoryInContainer}:ro"]) with
        {
            Shareable = true,
        };
}
