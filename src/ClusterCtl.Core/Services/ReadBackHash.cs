namespace ClusterCtl.Services;

/// <summary>How a node reads a received file back before renaming it into place.</summary>
internal enum ReadBackHash
{
    /// <summary>Not at all: the sender verified every byte on its side, and nothing else checks the copy.</summary>
    None,

    /// <summary>
    /// MD5, where the read-back only has to notice accidental damage between clusterctl and the node's disk: the nodes'
    /// busybox hashes MD5 about three times as fast as SHA-256.
    /// </summary>
    Md5,

    /// <summary>SHA-256, where the copy must be the very db that was verified (the restore's).</summary>
    Sha256,
}
