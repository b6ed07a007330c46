using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Etcd;
using ClusterCtl.Services;

namespace ClusterCtl.Verify;

/// <summary>
/// The containers of a restore drill. All of them see only the drill's scratch directory, <c>.verify-&lt;run&gt;</c> in
/// the snapshot directory, at <see cref="ScratchInContainer"/>: never the data dir, never the certificates. The etcd
/// ones run with no network, so the restored copy, Secrets and all, is reachable from nowhere but an exec.
/// </summary>
internal static class DrillHelperSpecs
{
    public const string ScratchPrefix = ClusterCtl.Restore.RestoreLayout.DrillScratchPrefix;
    public const string ScratchInContainer = "/verify";
    public const string DbFileName = "snapshot.db";
    public const string DbInContainer = ScratchInContainer + "/" + DbFileName;
    public const string DataInContainer = ScratchInContainer + "/data";

    // The throwaway member's name and peer URL: the restore writes them into the data, and the server must match.
    private const string MemberName = "clusterctl-drill";
    private const string PeerUrl = "http://127.0.0.1:2380";
    public const string ClientUrl = "http://127.0.0.1:2379";

    public static string ScratchDirectoryName(string runId) => ScratchPrefix + runId;

    public static string ScratchOnHost(ClusterConfig config, string runId) => $"{config.SnapshotDirectory.TrimEnd('/')}/{ScratchDirectoryName(runId)}";

    /// <summary>Where the db is received: <see cref="DbInContainer"/>, under a partial name until all of it arrived.</summary>
    public static NodeFileTarget DbTarget(long maxBytes) =>
        new(ScratchInContainer, "." + DbFileName + ClusterCtl.Storage.SnapshotName.PartialSuffix, DbFileName) { MaxBytes = maxBytes };

    /// <summary>An alpine shell that sees only the scratch directory.</summary>
    public static HelperSpec ScratchShell(ClusterConfig config, string runId, string purpose, HelperScript script) =>
        NodeHelperSpecs.AlpineShell(config, purpose, script, [ScratchBind(config, runId)]);

    /// <summary>Creates the scratch directory (the snapshot directory itself is bound, so its parent is there).</summary>
    public static HelperSpec CreateScratch(ClusterConfig config, string runId) =>
        NodeHelperSpecs.SnapshotShell(config, "verify-scratch", DrillScripts.CreateScratch(runId));

    public static HelperSpec RemoveScratch(ClusterConfig config, string runId) =>
        NodeHelperSpecs.SnapshotShell(config, "verify-tidy", DrillScripts.RemoveScratch(runId));

    /// <summary>etcdutl (or, in images without it, etcdctl) restores the db without a revision bump: the drill compares revisions.</summary>
    public static HelperSpec Restore(ClusterConfig config, string runId, bool useEtcdutl) =>
        EtcdImage(config, runId, "verify-restore", useEtcdutl ? "etcdutl" : "etcdctl",
        [
            "snapshot", "restore", DbInContainer, "--data-dir", DataInContainer,
            "--name", MemberName, "--initial-cluster", $"{MemberName}={PeerUrl}", "--initial-advertise-peer-urls", PeerUrl,
        ]);

    /// <summary>A single-member etcd on the restored data, listening on the container's own loopback only.</summary>
    public static HelperSpec Server(ClusterConfig config, string runId) =>
        EtcdImage(config, runId, "verify-etcd", "etcd",
        [
            "--name", MemberName, "--data-dir", DataInContainer,
            "--listen-client-urls", ClientUrl, "--advertise-client-urls", ClientUrl,
            "--listen-peer-urls", PeerUrl, "--initial-advertise-peer-urls", PeerUrl, "--initial-cluster", $"{MemberName}={PeerUrl}",
        ]);

    /// <summary>The environment of an etcdctl exec in the server container: its own loopback endpoint, API v3.</summary>
    public static IReadOnlyList<string> EtcdctlEnvironment { get; } = ["ETCDCTL_API=3", "ETCDCTL_ENDPOINTS=" + ClientUrl, "ETCDCTL_COMMAND_TIMEOUT=60s"];

    private static HelperSpec EtcdImage(ClusterConfig config, string runId, string purpose, string executable, IReadOnlyList<string> args) =>
        EtcdHelperSpecs.EtcdImage(config, purpose, executable, args) with { NetworkMode = "none", Binds = [ScratchBind(config, runId)] };

    private static string ScratchBind(ClusterConfig config, string runId) => $"{ScratchOnHost(config, runId)}:{ScratchInContainer}";
}
