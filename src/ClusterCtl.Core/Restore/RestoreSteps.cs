using System.Globalization;
using ClusterCtl.Config;

namespace ClusterCtl.Restore;

/// <summary>The plan's steps in words, in the order the restore takes them, with the nodes each one touches.</summary>
internal static class RestoreSteps
{
    public static IReadOnlyList<string> Describe(ClusterConfig config, RestorePlan plan)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(plan);
        var etcdHosts = string.Join(", ", plan.EtcdNodes.Select(n => n.Host));
        var scratch = RestoreLayout.ScratchDirectory(config, plan.RunId);
        var tool = plan.Tool == RestoreTool.Etcdutl
            ? "etcdutl snapshot restore" + (plan.BumpRevision ? string.Create(CultureInfo.InvariantCulture, $" --bump-revision {RestoreHelperSpecs.RevisionBump} --mark-compacted") : "")
            : "etcdctl snapshot restore";
        var starts = string.Join("; ", plan.EtcdNodes.Select(n => n.EtcdContainerAction switch
        {
            EtcdContainerAction.StartAsIs => $"{n.Host} as it is",
            EtcdContainerAction.Recreate => $"{n.Host} recreated (the old one kept as {RestoreLayout.OldEtcdContainerName(plan.RunId)} until etcd is healthy)",
            _ => $"{n.Host} created",
        }));

        return
        [
            $"Check that {scratch}/{RestoreLayout.SnapshotFileName} is in place on {etcdHosts}",
            $"On every etcd node in parallel, while etcd still serves: {tool} into {scratch}/data with the member name, cluster and token of cluster.yml (a db that fails etcd's hash check refuses the restore here)",
            "POINT OF NO RETURN: stop kube-apiserver on " + (plan.ApiserverNodes.Count == 0 ? "(none found)" : string.Join(", ", plan.ApiserverNodes)) + "; Ctrl+C is held from here on",
            $"Stop etcd on {etcdHosts}",
            $"On every etcd node: move {RestoreLayout.HostDataDirectory(config)}/member to {RestoreLayout.HostDataDirectory(config)}/{RestoreLayout.PreRestorePrefix}<UTC time>/member and the restored member in (renames only, nothing deleted)",
            $"Start etcd: {starts}",
            string.Create(CultureInfo.InvariantCulture, $"Wait up to {plan.HealthTimeout.TotalSeconds:0} s for every member started, one leader, every endpoint healthy, the member ids the restore wrote, revision >= {plan.RevisionAtLeast}, and each etcd running on this run's restored member"),
            $"Start kube-apiserver, then restart {string.Join(", ", KubeComponents.Restarted)} and the running flannel/calico containers (not k8s_POD_) on {string.Join(", ", plan.ComponentNodes)}",
            "If stopping etcd, the swap or starting etcd fails: roll back (restored member to failed-restore-<run>, the old member back, the old etcd and kube-apiserver started) and exit 1",
        ];
    }
}
