namespace ClusterCtl.Services;

/// <summary>How a <see cref="NodeFileReceiver"/> ended on one node.</summary>
internal sealed record NodeFileReceipt(NodeFileReceipt.Result Outcome, string Sha256, string? Problem)
{
    public enum Result
    {
        /// <summary>Checked and renamed into place.</summary>
        Committed,

        /// <summary>The read-back differs from what was sent; the partial file is gone.</summary>
        Mismatch,

        /// <summary>More than the target's limit arrived; the partial file is gone.</summary>
        TooLong,

        /// <summary>Anything else (a full disk, a read-only mount, no digest in time); the partial file may remain.</summary>
        Failed,
    }

    public bool Committed => Outcome == Result.Committed;
}
