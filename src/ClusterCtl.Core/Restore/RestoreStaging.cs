using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Hosts;
using ClusterCtl.Logging;
using ClusterCtl.Services;
using Serilog;

namespace ClusterCtl.Restore;

/// <summary>
/// The restore's scratch directory on one etcd node, <c>&lt;data dir&gt;/restore-&lt;run&gt;/</c>: inside the data dir,
/// so that every later move is a rename on one filesystem. The verified raw db lands there as <c>snapshot.db</c>,
/// first under a partial name, and is renamed only after the node itself has hashed it.
/// </summary>
internal sealed class RestoreStaging(NodeSession node, ClusterConfig config, string runId, ILogger logger)
{
    private readonly ILogger _log = logger.ForScope("restore");

    public string Host => node.Host;

    public string DirectoryName => RestoreLayout.ScratchDirectoryName(runId);

    /// <summary>
    /// Receives the db into the partial file, at most <paramref name="maxBytes"/> of it (the node cuts a longer stream
    /// off and removes what it wrote, so the data dir never holds more than was checked), hashes it on the node and
    /// renames it into place only if its SHA-256 is the one <paramref name="verified"/> gives once the sender has
    /// verified the whole db.
    /// </summary>
    public async Task ReceiveAsync(Stream db, long maxBytes, Task<ExpectedDigest> verified, CancellationToken cancellationToken)
    {
        var target = new NodeFileTarget($"{RestoreLayout.DataDirectoryInContainer}/{DirectoryName}", RestoreScripts.PartialFileName, RestoreLayout.SnapshotFileName)
        {
            MaxBytes = maxBytes,
            ReadBack = ReadBackHash.Sha256,
        };
        var receipt = await new NodeFileReceiver(node.Docker, node.Helpers).ReceiveAsync(
            script => Shell("restore-receive", script),
            target,
            db,
            verified,
            cancellationToken);
        if (receipt.Outcome == NodeFileReceipt.Result.Mismatch)
        {
            throw new ClusterCtlException($"{Host}: the copied snapshot does not verify on the node ({receipt.Problem ?? "no message"}); it was removed");
        }

        if (!receipt.Committed)
        {
            throw new ClusterCtlException($"{Host}: copying the snapshot into {RestoreLayout.HostDataDirectory(config)}/{DirectoryName} failed: {receipt.Problem ?? "no message"}");
        }
    }

    /// <summary>
    /// Extracts the db from a zip already in the node's snapshot directory, on the node, so no byte crosses the network.
    /// The size must come out as the manifest says; etcd's own hash is checked by the restore tool, still before the
    /// point of no return.
    /// </summary>
    public async Task ExtractAsync(string zipFileName, string dbEntryName, long expectedSize, CancellationToken cancellationToken)
    {
        // '*' before the name: busybox unzip strips the leading '/' of rke-tools' absolute entry names before matching.
        var pattern = "*" + dbEntryName.TrimStart('/');
        var zip = $"{NodeHelperSpecs.SnapshotDirectoryInContainer}/{zipFileName}";
        var result = await node.Helpers.RunAsync(Shell("restore-extract", RestoreScripts.Extract(runId, zip, pattern, expectedSize)), cancellationToken);
        if (!result.Succeeded)
        {
            throw new ClusterCtlException($"{Host}: extracting the snapshot from {zipFileName} into {RestoreLayout.HostDataDirectory(config)}/{DirectoryName} failed: {result.LastErrorLine ?? "no message"}");
        }
    }

    /// <summary>Removes the scratch directory (after a failure before the point of no return). Never throws.</summary>
    public async Task RemoveAsync()
    {
        if (await node.Helpers.TryCleanUpAsync(Shell("restore-cleanup", RestoreScripts.RemoveScratch(runId))) is { } problem)
        {
            _log.Warning("{Host}: could not remove {Directory}: {Error}; 'clusterctl etcd cleanup' removes it", Host, DirectoryName, problem);
        }
    }

    private HelperSpec Shell(string purpose, HelperScript script) => RestoreHelperSpecs.DataShell(config, purpose, script);
}
