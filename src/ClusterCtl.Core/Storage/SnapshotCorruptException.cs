namespace ClusterCtl.Storage;

/// <summary>A snapshot failed its integrity check and must not be used; the message names the file and where it is.</summary>
internal sealed class SnapshotCorruptException : ClusterCtlException
{
    public SnapshotCorruptException(string source, string reason, Exception? innerException = null)
        : base($"snapshot {source} is corrupt: {reason}; it was not used, take a new snapshot or choose another copy", ExitCodes.Failed, innerException)
    {
        Source = source;
    }

    /// <summary>The file and its location, e.g. "rke_etcd_snapshot_x.zip on 10.213.0.11".</summary>
    public new string Source { get; }
}
