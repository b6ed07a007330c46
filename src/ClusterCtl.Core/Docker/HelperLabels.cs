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

    /// <summary>
    /// Present (value "true") on helpers of a run that does not hold the cluster lock (status, snapshot-list, dry runs):
    /// a locked run's sweep keeps them while their owner (<see cref="RunOwner"/> labels) may still be running.
    /// </summary>
    public const string ReadOnlyRun = "io.clusterctl.read-only";
}
