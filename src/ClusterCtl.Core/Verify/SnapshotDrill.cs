using System.Diagnostics;
using System.Globalization;
using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Etcd;
using ClusterCtl.Hosts;
using ClusterCtl.Logging;
using ClusterCtl.Restore;
using ClusterCtl.Services;
using ClusterCtl.Storage;
using Serilog;

namespace ClusterCtl.Verify;

/// <summary>
/// <c>snapshot-verify</c>: restores one copy of a snapshot on one etcd node into a scratch directory beside the
/// snapshots, serves it from a throwaway single-member etcd with no network, and compares what it serves with what the
/// manifest recorded at save time. It never touches the cluster's etcd, so it takes no lock; the scratch directory and
/// the containers go when it ends, however it ends.
/// </summary>
internal sealed class SnapshotDrill(ClusterConfig config, ILogger logger)
{
    // Handed on as it came: the parts this class calls log under their own scope, or none.
    private readonly ILogger _logger = logger;
    private readonly ILogger _log = logger.ForScope("verify");

    /// <summary>How long the throwaway etcd may take to serve: it replays nothing, so this is mostly opening the db.</summary>
    public static readonly TimeSpan ServeTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan ServePollInterval = TimeSpan.FromMilliseconds(500);

    public async Task<SnapshotDrillReport> RunAsync(ClusterSession session, S3SnapshotStore? s3, string name, string? nodeAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        SnapshotName.Validate(name);
        var requested = nodeAddress is null ? null : RequireNode(session, nodeAddress);
        var locating = Stopwatch.StartNew();
        var copies = await new SnapshotLocator(config, _logger).FindAsync(session, s3, name, cancellationToken);
        var located = locating.Elapsed;
        var report = await RunAsync(session, s3, name, copies, requested, cancellationToken);
        return report with { Duration = located + report.Duration };
    }

    /// <summary>The drill of a snapshot whose copies the caller has already located (a restore with --verify-first).</summary>
    public async Task<SnapshotDrillReport> RunAsync(
        ClusterSession session, S3SnapshotStore? s3, string name, IReadOnlyList<SnapshotCopy> copies, NodeSession? requested, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(copies);
        var clock = Stopwatch.StartNew();
        var node = requested
            ?? copies.FirstOrDefault(c => c.Node is not null)?.Node
            ?? session.Nodes.FirstOrDefault(n => n.Node.IsEtcd)
            ?? throw new ClusterCtlException("no etcd node is reachable to run the drill on; run 'clusterctl etcd status' to see why");
        // The node's own copy needs no transfer; otherwise the most trusted one, which the locator puts first.
        var copy = copies.FirstOrDefault(c => c.Node?.Host == node.Host) ?? copies[0];
        var limit = await EnsureRoomAsync(node, copy, cancellationToken);

        var report = new SnapshotDrillReport { Name = name, Node = node.Host, Copy = copy.ToString() };
        _log.Information("Drill on {Host}: restoring {Copy} into {Scratch}, served by an etcd without network", node.Host, copy,
            DrillHelperSpecs.ScratchOnHost(config, session.RunId));
        await node.Helpers.RunAndRequireSuccessAsync(DrillHelperSpecs.CreateScratch(config, session.RunId), cancellationToken);
        try
        {
            report = await DrillAsync(node, copy, s3, session.RunId, limit, report, cancellationToken);
        }
        finally
        {
            await RemoveScratchAsync(node, session.RunId);
        }

        report = report with { Duration = clock.Elapsed };
        if (report.Verified)
        {
            await MarkVerifiedAsync(copies, copy, s3, cancellationToken);
            _log.Information("{Name} restores and serves at revision {Revision}, {Keys} keys{Proof}", name, report.Revision, report.TotalKeys,
                report.RecordedKeyCounts is null ? "; no recorded hash to compare" : ", as recorded at save");
        }
        else
        {
            _log.Error("{Name} does not verify: {Problems}", name, report.Failure ?? string.Join("; ", report.Mismatches));
        }

        return report;
    }

    private async Task<SnapshotDrillReport> DrillAsync(
        NodeSession node, SnapshotCopy copy, S3SnapshotStore? s3, string runId, long limit, SnapshotDrillReport report, CancellationToken cancellationToken)
    {
        SnapshotReadResult read;
        try
        {
            read = await ReceiveAsync(node, copy, s3, runId, limit, cancellationToken);
        }
        catch (SnapshotCorruptException e)
        {
            return report with { Failure = e.Message };
        }

        var restored = await RestoreAsync(node, runId, cancellationToken);
        if (!restored.Succeeded)
        {
            return report with { Failure = $"snapshot restore failed on {node.Host}: {restored.LastErrorLine ?? "exit code " + restored.ExitCode}" };
        }

        await using var server = await node.Helpers.StartAsync(DrillHelperSpecs.Server(config, runId), cancellationToken);
        var etcdctl = (IReadOnlyList<string> args, CancellationToken ct) => node.Docker.ExecAsync(server.Id, ["etcdctl", .. args], DrillHelperSpecs.EtcdctlEnvironment, ct);
        var (status, failure) = await WaitUntilServingAsync(node, server, etcdctl, cancellationToken);
        if (status is null)
        {
            return report with { Failure = failure };
        }

        var proof = await new SnapshotProofReader(node.Host, etcdctl).ReadAsync(status.Revision, cancellationToken);
        return DrillComparison.Compare(report, read.Manifest ?? copy.Manifest, status.Revision, proof);
    }

    // Every copy with the drilled copy's bytes (S3's by its recorded hash) is as verified as it; the mark lets
    // snapshot-list, prune and restore know. A mark that cannot be written costs the record, not the drill's verdict.
    private async Task MarkVerifiedAsync(IReadOnlyList<SnapshotCopy> copies, SnapshotCopy drilled, S3SnapshotStore? s3, CancellationToken cancellationToken)
    {
        var at = DateTimeOffset.UtcNow;
        await Task.WhenAll(copies.Where(c => c == drilled || (c.Sha256 is not null && c.Sha256 == drilled.Sha256)).Select(async c =>
        {
            try
            {
                if (c.Node is { } node)
                {
                    await new NodeSnapshotDirectory(node, config).MarkVerifiedAsync(c.FileName!, c.Sha256!, at, cancellationToken);
                }
                else if (s3 is not null && !await s3.MarkVerifiedAsync(c.SnapshotName, at, cancellationToken))
                {
                    _log.Warning("{Location}: the object is over 5 GiB, which S3 cannot copy onto itself to record the drill; the nodes' copies record it", c.Location);
                }
            }
            catch (ClusterCtlException e)
            {
                _log.Warning("could not record the drill beside {Copy}: {Error}", c, e.Message);
            }
        }));
    }

    private NodeSession RequireNode(ClusterSession session, string address)
    {
        var node = config.EtcdNodes.FirstOrDefault(n => n.Address == address || n.HostnameOverride == address)
            ?? throw new ClusterCtlException(
                $"--node {address} is not an etcd node of this cluster; choose one of {string.Join(", ", config.EtcdNodes.Select(n => n.Address))}", ExitCodes.InvalidInput);
        return session.Nodes.FirstOrDefault(n => n.Node == node)
            ?? throw new ClusterCtlException($"{node.Address} is not reachable ({session.Unreachable.GetValueOrDefault(node)?.Message}); choose another --node");
    }

    // The db and the member restored from it sit side by side in the scratch directory: twice the db, which is also
    // the bound on what may be written when the db's size cannot be told in advance.
    private async Task<long> EnsureRoomAsync(NodeSession node, SnapshotCopy copy, CancellationToken cancellationToken)
    {
        var free = await new NodeSnapshotDirectory(node, config).FreeBytesAsync(cancellationToken)
            ?? throw new ClusterCtlException($"{node.Host}: cannot tell the free space in {config.SnapshotDirectory}; check that the directory exists there");
        var dbSize = copy.DbSize ?? copy.Manifest?.DbSize;
        if (dbSize is { } size && free < 2 * size)
        {
            throw new ClusterCtlException(string.Create(CultureInfo.InvariantCulture,
                $"{node.Host} has {free / (1024 * 1024)} MiB free in {config.SnapshotDirectory}, a drill of {copy.SnapshotName} needs twice its db ({2 * size / (1024 * 1024)} MiB); free space there or pass --node"));
        }

        return dbSize ?? free / 2;
    }

    /// <summary>
    /// Streams the copy through clusterctl into the scratch directory as a raw db, checking etcd's own hash on the way:
    /// one reader for a node's zip, RKE's, a raw db and S3 alike.
    /// </summary>
    private async Task<SnapshotReadResult> ReceiveAsync(NodeSession node, SnapshotCopy copy, S3SnapshotStore? s3, string runId, long limit, CancellationToken cancellationToken)
    {
        SnapshotReadResult? read = null;
        // No read-back on the node: etcd's own hash, checked here on the way, is checked again by the restore there.
        var received = await new NodeFileReceiver(node.Docker, node.Helpers).ReceiveAsync(
            script => DrillHelperSpecs.ScratchShell(config, runId, "verify-receive", script),
            DrillHelperSpecs.DbTarget(limit),
            async (stdin, ct) =>
            {
                await using var source = await copy.OpenAsync(config, s3, ct);
                await using var bounded = new BoundedWriteStream(stdin, limit);
                read = await SnapshotZipReader.ReadAsync(source, bounded, copy.ToString(), ct);
                read.Check.EnsureIntact(copy.ToString());
            },
            expected: null,
            cancellationToken);
        return received.Committed && read is not null
            ? read
            : throw new ClusterCtlException($"{node.Host}: copying {copy} into {DrillHelperSpecs.ScratchOnHost(config, runId)} failed: {received.Problem ?? "no message"}");
    }

    // etcdutl where the image has it (3.5 on), etcdctl in older images.
    private async Task<HelperResult> RestoreAsync(NodeSession node, string runId, CancellationToken cancellationToken)
    {
        try
        {
            return await node.Helpers.RunAsync(DrillHelperSpecs.Restore(config, runId, useEtcdutl: true), cancellationToken);
        }
        catch (DockerApiException e) when (e.IsMissingExecutable)
        {
            return await node.Helpers.RunAsync(DrillHelperSpecs.Restore(config, runId, useEtcdutl: false), cancellationToken);
        }
    }

    private static async Task<(EtcdEndpointStatus? Status, string? Failure)> WaitUntilServingAsync(
        NodeSession node, RunningHelper server, Func<IReadOnlyList<string>, CancellationToken, Task<HelperResult>> etcdctl, CancellationToken cancellationToken)
    {
        string? lastError = null;
        var outcome = await Polling.UntilAsync<(EtcdEndpointStatus? Status, string? Failure)>(
            async ct =>
            {
                try
                {
                    var answer = await etcdctl(["endpoint", "status", "-w", "json"], ct);
                    if (answer.Succeeded && EtcdctlJson.ParseEndpointStatus(node.Host, answer.Stdout) is [var status, ..])
                    {
                        return (status, null);
                    }

                    lastError = answer.LastErrorLine;
                    return (null, null);
                }
                catch (DockerApiException)
                {
                    // The exec could not start: etcd exited. Its last words say why.
                    var logs = await node.Docker.GetContainerLogsAsync(server.Id, ct);
                    var last = new HelperResult(1, logs.Stdout, logs.Stderr).LastErrorLine;
                    return (null, $"etcd did not start on the restored data on {node.Host}: {last ?? "it exited without a message"}");
                }
            },
            served => served.Status is not null || served.Failure is not null, ServePollInterval, ServeTimeout, cancellationToken);

        return outcome is (null, null)
            ? (null, $"etcd did not serve the restored data on {node.Host} within {ServeTimeout.TotalSeconds:0} s: {lastError ?? "no answer"}")
            : outcome;
    }

    private async Task RemoveScratchAsync(NodeSession node, string runId)
    {
        if (await node.Helpers.TryCleanUpAsync(DrillHelperSpecs.RemoveScratch(config, runId)) is { } problem)
        {
            _log.Warning("{Host}: could not remove {Directory}: {Error}; 'clusterctl etcd cleanup' removes it", node.Host, DrillHelperSpecs.ScratchOnHost(config, runId), problem);
        }
    }
}
