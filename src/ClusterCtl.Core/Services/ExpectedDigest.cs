namespace ClusterCtl.Services;

/// <summary>
/// What the sender computed in the same pass that sent a file: the digest the node's read-back must match (in the
/// target's <see cref="ReadBackHash"/>) and the SHA-256 the node records for the committed file.
/// </summary>
internal sealed record ExpectedDigest(string ReadBack, string Sha256);
