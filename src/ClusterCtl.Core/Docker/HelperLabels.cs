namespace ClusterCtl.Docker;

/// <summary>
/// Labels on every helper container. They let the next run find and remove what a crashed run left
/// behind, without ever touching containers that clusterctl did not create.
/// </summary>
internal static class HelperLabels
{
    /// <summary>Present (value "true") on every helper container.</summary>
    public const string Helper = "io.clusterctl.helper";

    /// <summary>The id of the run that created the helper.</summary>
    public const string RunId = "io.clusterctl.run-id";

    /// <summary>What the helper was for, e.g. "etcd-snapshot-once"; for operators reading <c>docker ps</c>.</summary>
    public const string Purpose = "io.clusterctl.purpose";
}
