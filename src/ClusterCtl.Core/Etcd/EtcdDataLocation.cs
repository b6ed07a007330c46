using ClusterCtl.Config;

namespace ClusterCtl.Etcd;

/// <summary>
/// The host directory that holds the etcd container's data: its <c>--data-dir</c> (RKE's default, or
/// <c>services.etcd.extra_args.data-dir</c>) followed through the container's binds (the default one, or an
/// <c>extra_binds</c> entry). A restore, its rollback and cleanup work there, so that they replace the member etcd
/// really runs on. Layouts a restore cannot follow are refused with exit 2, naming the key.
/// </summary>
internal static class EtcdDataLocation
{
    public const string DataDirKey = "services.etcd.extra_args.data-dir";
    public const string WalDirKey = "services.etcd.extra_args.wal-dir";

    /// <summary>
    /// Refuses (exit 2, naming the key) a layout a restore cannot replace as a whole: a wal-dir (etcd would replay
    /// its old WAL over the restored db, and a WAL disk is often its own mount, where no rename can reach), or a data
    /// dir that <see cref="HostDataDirectory"/> cannot follow.
    /// </summary>
    public static void RequireRestorable(ClusterConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (Spec(config)?.Flag("wal-dir") is { } walDir)
        {
            throw new ClusterCtlException(
                $"restore refused, nothing was changed: {WalDirKey} ({walDir}) is not supported, a restore would replace the member's data but not the WAL etcd replays; " +
                "remove it from cluster.yml, and move the WAL back into data-dir/member/wal, before restoring", ExitCodes.InvalidInput);
        }

        HostDataDirectory(config);
    }

    /// <summary>
    /// The host path, e.g. /var/lib/etcd, /var/lib/etcd/custom for data-dir=/var/lib/rancher/etcd/custom, or
    /// /mnt/etcd for data-dir=/etcd with extra_binds /mnt/etcd:/etcd. Throws <see cref="ClusterCtlException"/>
    /// (exit 2) for a data dir that lies in no bind (inside the container, out of every helper's reach).
    /// </summary>
    public static string HostDataDirectory(ClusterConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (Spec(config) is not { } spec)
        {
            return config.EtcdDataDirectory;
        }

        var dataDir = spec.Flag("data-dir");
        if (dataDir is null || !dataDir.StartsWith('/') || dataDir.Split('/').Any(s => s is "." or ".."))
        {
            throw new ClusterCtlException(
                $"{DataDirKey} must be an absolute path without '.' or '..' (it is '{dataDir ?? "removed"}'); give it as etcd sees it in its container, e.g. /var/lib/rancher/etcd/",
                ExitCodes.InvalidInput);
        }

        var path = Trim(dataDir);
        var bind = spec.Binds
            .Select(b => b.Split(':'))
            .Where(parts => parts.Length >= 2)
            .Select(parts => (Host: Trim(parts[0]), Container: Trim(parts[1])))
            .Where(b => Within(path, b.Container))
            .OrderByDescending(b => b.Container.Length)
            .FirstOrDefault();
        if (bind.Host is null)
        {
            throw new ClusterCtlException(
                $"{DataDirKey} ({dataDir}) lies in no bind of the etcd container, so etcd keeps its data inside the container where a restore cannot reach it; " +
                "bind a host directory there with services.etcd.extra_binds (e.g. \"/mnt/etcd:" + path + "\")", ExitCodes.InvalidInput);
        }

        // The longest bind that holds the data dir is the one the container sees it through.
        var rest = bind.Container == "/" ? (path == "/" ? "" : path) : path[bind.Container.Length..];
        return bind.Host == "/" ? (rest.Length == 0 ? "/" : rest) : bind.Host + rest;
    }

    // data-dir, wal-dir and the binds are the same on every node.
    private static EtcdContainerSpec? Spec(ClusterConfig config) =>
        config.EtcdNodes.FirstOrDefault() is { } node ? EtcdContainerSpec.For(config, node) : null;

    private static bool Within(string path, string directory) =>
        directory == "/" || path == directory || path.StartsWith(directory + "/", StringComparison.Ordinal);

    private static string Trim(string path) => path.Length > 1 ? path.TrimEnd('/') : path;
}
