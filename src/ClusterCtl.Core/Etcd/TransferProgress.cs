namespace ClusterCtl.Etcd;

/// <summary>How far a long transfer is: bytes of the snapshot read so far, of how many.</summary>
internal readonly record struct TransferProgress(string What, long Done, long Total);
