namespace ClusterCtl.Restore;

/// <summary>
/// The containers that must not keep serving stale state after a restore, by RKE's names: the kube components,
/// and the network plugins' containers as the kubelet names them (k8s_kube-flannel_..., k8s_calico-node_...).
/// </summary>
internal static class KubeComponents
{
    public const string Apiserver = "kube-apiserver";

    /// <summary>Restarted wherever they exist, in any state; kube-apiserver, stopped at the point of no return, is started separately.</summary>
    public static readonly IReadOnlyList<string> Restarted = ["kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy"];

    /// <summary>The kubelet's pause containers hold the pods' namespaces; restarting them would only churn the pods.</summary>
    public const string PausePrefix = "k8s_POD_";

    /// <summary>A running flannel or calico container that is not a pause container.</summary>
    public static bool IsNetworkPlugin(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return !name.StartsWith(PausePrefix, StringComparison.Ordinal)
            && (name.Contains("flannel", StringComparison.OrdinalIgnoreCase) || name.Contains("calico", StringComparison.OrdinalIgnoreCase));
    }
}
