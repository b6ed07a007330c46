using System.Diagnostics;
using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Hosts;
using ClusterCtl.Logging;
using ClusterCtl.Pki;
using ClusterCtl.Services;
using ClusterCtl.Storage;
using Serilog;

namespace ClusterCtl.Etcd;

/// <summary>
/// snapshot-save: one snapshot from one healthy member (a follower when there is one), streamed out of that
/// node once, checked against etcd's own hash and zipped on the way, and written to every etcd node (and S3)
/// at the same time. Each node's copy is then hashed on the node and renamed into place only if it matches.
/// </summary>
internal sealed class SnapshotSaver(ClusterConfig config, ILogger logger)
{
    // Handed on as it came: the parts this class calls log under their own scope, or none.
    private readonly ILogger _logger = logger;
    private readonly ILogger _log = logger.ForScope("snapshot");

    /// <param name="overwrite">Replace a snapshot of the same name; without it, one on any node or in S3 is refused before anything is taken.</param>
    public async Task<SnapshotSaveReport> SaveAsync(
        ClusterSession session, string name, S3SnapshotStore? s3, bool overwrite, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        SnapshotName.Validate(name);
        var clock = Stopwatch.StartNew();
        var etcdNodes = session.Nodes.Where(n => n.Node.IsEtcd).ToList();
        if (etcdNodes.Count == 0)
        {
            throw new ClusterCtlException("no etcd node is reachable; check the errors above, then run etcd status", ExitCodes.Failed);
        }

        var phases = new PhaseClock();
        // The name check runs alongside the probe: both only read, and nothing is taken until both are done.
        var existing = overwrite ? Task.FromResult(new ExistingCopies([], null)) : FindExistingAsync(etcdNodes, name, s3, cancellationToken);
        var ordered = OrderCandidatesAsync(etcdNodes, cancellationToken);
        await Task.WhenAll(existing, ordered);
        if (existing.Result.Where.Count > 0)
        {
            throw new ClusterCtlException(
                $"snapshot {name} already exists on {string.Join(", ", existing.Result.Where)}; choose another --name, or pass --overwrite to replace it",
                ExitCodes.InvalidInput);
        }

        // An S3 that cannot say whether the name is free gets no upload (it could replace one): the nodes still get their
        // copies, and the S3 copy is reported as failed, as it would be had the upload met the same error.
        var s3Unchecked = existing.Result.S3Error is null ? null : s3;
        if (s3Unchecked is not null)
        {
            _log.Warning("Not uploading {Name} to {Location}: could not check whether it exists there: {Error}", name, s3Unchecked.Location, existing.Result.S3Error);
            s3 = null;
        }

        var candidates = ordered.Result;
        phases.Mark("probe");
        SnapshotDelivery? delivery = null;
        try
        {
            foreach (var ((source, version), index) in candidates.Select((c, i) => (c, i)))
            {
                // The receivers on every node (and the S3 upload) start while etcd writes the snapshot, so their
                // containers are up by the time the first byte is; a member that fails to snapshot leaves them unused.
                delivery ??= new SnapshotDelivery([.. etcdNodes.Select(t => new NodeSnapshotDirectory(t, config))], name, s3, _logger, cancellationToken);
                var taken = await TryTakeSnapshotAsync(source, version, name, session.RunId, cancellationToken);
                phases.Mark("snapshot");
                if (taken is null)
                {
                    continue;
                }

                try
                {
                    var used = delivery;
                    delivery = null;
                    var report = await DistributeAsync(session, source, taken, used, s3, progress, phases, cancellationToken);
                    if (s3Unchecked is not null)
                    {
                        report = report with { Copies = [.. report.Copies, new SnapshotCopyResult(s3Unchecked.Location, false, null, TimeSpan.Zero, existing.Result.S3Error)] };
                    }

                    return report with { Duration = clock.Elapsed, Phases = phases.Phases };
                }
                catch (SnapshotCorruptException e) when (index < candidates.Count - 1)
                {
                    _log.Warning("The snapshot taken on {Host} does not verify ({Error}); trying the next member", source.Host, e.Message);
                }
                finally
                {
                    await RemoveRawAsync(source, taken.TempFile);
                }
            }
        }
        finally
        {
            if (delivery is not null)
            {
                await delivery.AbortAsync(new OperationCanceledException("no snapshot was delivered"));
            }
        }

        throw new ClusterCtlException(
            $"no etcd member could take a snapshot (tried {string.Join(", ", candidates.Select(c => c.Node.Host))}); run 'clusterctl etcd status' to see why",
            ExitCodes.Failed);
    }

    /// <summary>Where a snapshot of this name already is (node addresses, the S3 location), and why S3 could not be asked, if so.</summary>
    private sealed record ExistingCopies(IReadOnlyList<string> Where, string? S3Error);

    private async Task<ExistingCopies> FindExistingAsync(List<NodeSession> nodes, string name, S3SnapshotStore? s3, CancellationToken cancellationToken)
    {
        var onNodes = Task.WhenAll(nodes.Select(async n => await new NodeSnapshotDirectory(n, config).ExistsAsync(name, cancellationToken) ? n.Host : null));
        var inS3 = s3 is null ? Task.FromResult((Exists: false, Error: (string?)null)) : ExistsInS3Async(s3, name, cancellationToken);
        await Task.WhenAll(onNodes, inS3);
        return new ExistingCopies([.. onNodes.Result.OfType<string>(), .. inS3.Result.Exists ? [s3!.Location] : Array.Empty<string>()], inS3.Result.Error);
    }

    private static async Task<(bool Exists, string? Error)> ExistsInS3Async(S3SnapshotStore s3, string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await s3.ExistsAsync(name, cancellationToken), null);
        }
        catch (S3Exception e)
        {
            return (false, e.Message);
        }
    }

    private sealed record TakenSnapshot(string TempFile, string Name, string? EtcdVersion, string Member);

    // The etcd version each member reported goes into the manifest, so the chosen source is not asked again.
    private async Task<List<(NodeSession Node, string? Version)>> OrderCandidatesAsync(List<NodeSession> nodes, CancellationToken cancellationToken)
    {
        var statuses = await ProbeFromOneNodeAsync(nodes, cancellationToken) ?? await ProbeEachNodeAsync(nodes, cancellationToken);
        var choice = SnapshotSourceChoice.Choose(statuses);
        foreach (var (node, reason) in choice.Passed)
        {
            _log.Warning("{Host}: not taking the snapshot from this member: {Reason}", node.Host, reason);
        }

        return choice.Sources.Count > 0
            ? [.. choice.Sources.Select(s => (s.Node, s.Status?.Version))]
            : throw new ClusterCtlException(
                "no etcd member is as current as the leader, so none can take a snapshot that holds every write; run 'clusterctl etcd status' to see why");
    }

    // One etcdctl asks every member at once: a container start costs more than the question, and three of them at the
    // same time were most of the fixed cost of a small save. etcdctl prints the members that answered even when one
    // did not; null when the helper told nothing (say, docker on that node is in trouble).
    private async Task<List<(NodeSession Node, EtcdEndpointStatus? Status)>?> ProbeFromOneNodeAsync(List<NodeSession> nodes, CancellationToken cancellationToken)
    {
        var prober = nodes[0];
        var endpoints = nodes.Select(n => n.Node.EtcdClientUrl).ToList();
        var result = await new EtcdctlRunner(config, _logger).RunAsync(prober, "etcd-status", endpoints, EtcdClusterHealth.ProbeTimeout, ["endpoint", "status", "-w", "json"], cancellationToken);
        IReadOnlyList<EtcdEndpointStatus> answered;
        try
        {
            answered = EtcdctlJson.ParseEndpointStatus(prober.Host, result.Stdout);
        }
        catch (EtcdctlAnswerException)
        {
            _log.Debug("{Host}: asking every member from here failed ({Error}); asking each node", prober.Host, result.LastErrorLine);
            return null;
        }

        var statuses = nodes.Select(n => (n, answered.FirstOrDefault(a => a.Endpoint == n.Node.EtcdClientUrl))).ToList();
        foreach (var (node, _) in statuses.Where(s => s.Item2 is null))
        {
            _log.Warning("{Host}: etcd does not answer: {Error}", node.Host, result.LastErrorLine);
        }

        return statuses;
    }

    private async Task<List<(NodeSession Node, EtcdEndpointStatus? Status)>> ProbeEachNodeAsync(List<NodeSession> nodes, CancellationToken cancellationToken) =>
        [.. await Task.WhenAll(nodes.Select(async node =>
        {
            var result = await node.Helpers.RunAsync(EtcdHelperSpecs.Etcdctl(config, node.Node, "etcd-status", "endpoint", "status", "-w", "json"), cancellationToken);
            var status = result.Succeeded && EtcdctlJson.ParseEndpointStatus(node.Host, result.Stdout) is [var s, ..] ? s : null;
            if (status is null)
            {
                _log.Warning("{Host}: etcd does not answer: {Error}", node.Host, result.LastErrorLine);
            }

            return (node, status);
        }))];

    private async Task<TakenSnapshot?> TryTakeSnapshotAsync(NodeSession source, string? etcdVersion, string name, string runId, CancellationToken cancellationToken)
    {
        var tempFile = $".{name}.{runId}.db{SnapshotName.PartialSuffix}";
        _log.Information("Taking snapshot {Name} from member {Member} on {Host}", name, source.Node.EtcdMemberName, source.Host);
        // etcdctl's --command-timeout bounds the whole snapshot stream, so the probes' 10 s cut 1 GiB snapshots off on a
        // busy node; backup_config.timeout is RKE's own bound for taking a snapshot.
        var save = WithSnapshotDirectory(EtcdHelperSpecs.Etcdctl(
            config, source.Node, "etcd-snapshot-once", config.Etcd.Backup.Timeout, "snapshot", "save", "/backup/" + tempFile));
        HelperResult saved;
        try
        {
            saved = await source.Helpers.RunAsync(save, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Interrupted mid-save: etcdctl may have left part of the file.
            await RemoveRawAsync(source, tempFile);
            throw;
        }

        if (!saved.Succeeded)
        {
            _log.Warning("{Host}: etcdctl snapshot save failed: {Error}", source.Host, saved.LastErrorLine);
            await RemoveRawAsync(source, tempFile);
            return null;
        }

        return new TakenSnapshot(tempFile, name, etcdVersion, source.Node.EtcdMemberName);
    }

    // The exact revision inside the file, for the manifest. It reads the whole db, so it runs on the node while the same
    // file streams out, not before. etcdutl answers from 3.5 on and is the only tool that does in 3.6, whose etcdctl
    // prints its help and exits 0 for `snapshot status`; etcd 3.4 images have only etcdctl.
    private async Task<long> ReadRevisionAsync(NodeSession source, TakenSnapshot taken, CancellationToken cancellationToken)
    {
        foreach (var tool in (string[])["etcdutl", "etcdctl"])
        {
            HelperResult status;
            try
            {
                status = await source.Helpers.RunAsync(
                    EtcdHelperSpecs.OfflineEtcdTool(config, tool, "etcd-snapshot-status", "snapshot", "status", "/backup/" + taken.TempFile, "-w", "json"), cancellationToken);
            }
            catch (DockerApiException e) when (e.IsMissingExecutable)
            {
                continue;
            }

            try
            {
                if (status.Succeeded)
                {
                    return EtcdctlJson.ParseSnapshotStatus(source.Host, status.Stdout).Revision;
                }

                _log.Debug("{Host}: {Tool} snapshot status failed: {Error}", source.Host, tool, status.LastErrorLine);
            }
            catch (EtcdctlAnswerException e)
            {
                _log.Debug("{Host}: {Error}", source.Host, e.Message);
            }
        }

        _log.Warning("{Host}: neither etcdutl nor etcdctl of the etcd image read the revision of {Name}; the manifest records none", source.Host, taken.Name);
        return 0;
    }

    /// <summary>
    /// The origin completed with the snapshot's revision and, once that is known, the proof a drill compares against,
    /// asked of the source member while the db still streams. A member that cannot answer (say, it compacted past the
    /// revision meanwhile) costs the proof, never the save.
    /// </summary>
    private async Task<SnapshotOrigin> CompleteOriginAsync(NodeSession source, TakenSnapshot taken, SnapshotOrigin origin, CancellationToken cancellationToken)
    {
        var revision = await ReadRevisionAsync(source, taken, cancellationToken);
        if (revision <= 0)
        {
            return origin with { Revision = revision };
        }

        var etcdctl = new EtcdctlRunner(config, _logger);
        var reader = new SnapshotProofReader(source.Host, (args, ct) =>
            etcdctl.RunAsync(source, "etcd-snapshot-proof", [source.Node.EtcdClientUrl], config.Etcd.Backup.Timeout, args, ct));
        try
        {
            return origin with { Revision = revision, Proof = await reader.ReadAsync(revision, cancellationToken) };
        }
        catch (ClusterCtlException e)
        {
            _log.Warning("{Host}: no hash and key counts recorded for {Name}, so a drill can only show that it restores: {Error}", source.Host, taken.Name, e.Message);
            return origin with { Revision = revision };
        }
    }

    private async Task<SnapshotSaveReport> DistributeAsync(
        ClusterSession session, NodeSession source, TakenSnapshot taken, SnapshotDelivery delivery, S3SnapshotStore? s3,
        IProgress<TransferProgress>? progress, PhaseClock phases, CancellationToken cancellationToken)
    {
        var fileName = delivery.FileName;
        var directories = delivery.Directories;
        var fanOut = delivery.FanOut;
        SnapshotZipResult zip;
        IReadOnlyList<FanOutResult> results;
        long revision;
        using var statusCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var origin = new SnapshotOrigin(config.ClusterName, DateTimeOffset.UtcNow, taken.EtcdVersion, 0, $"{taken.Member} ({source.Host})",
            SnapshotOwnership.MemberNames(config));
        var completedOrigin = CompleteOriginAsync(source, taken, origin, statusCancellation.Token);
        try
        {
            await using var raw = await NodeFileReader.OpenAsync(source, config, taken.TempFile, cancellationToken);
            // Reading ahead lets the network and the deflate work at the same time instead of taking turns.
            await using var ahead = new ReadAheadStream(raw);
            await using var db = new ProgressReadStream(ahead, "snapshot " + taken.Name, raw.Length, progress);
            zip = await new SnapshotZipWriter().WriteAsync(
                taken.Name, db, fanOut, origin, RkeStateReader.TryReadRaw(config.StateFilePath), source.Host, cancellationToken, completedOrigin);
            revision = zip.Manifest.Revision ?? 0;
            delivery.ManifestWhenDone.SetResult(zip.Manifest);
            delivery.DigestsWhenDone.SetResult(new ExpectedDigest(zip.ZipMd5, zip.ZipSha256));
            results = await fanOut.CompleteAsync(cancellationToken);
        }
        catch (Exception e)
        {
            // The raw file goes once this returns: the status helper reading it stops first.
            await statusCancellation.CancelAsync();
            await completedOrigin.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            await delivery.AbortAsync(e);
            throw;
        }
        finally
        {
            await fanOut.DisposeAsync();
        }

        phases.Mark("stream");
        _log.Information("{Name}: db {DbSize} bytes at revision {Revision}, zip {ZipSize} bytes, sha256 {Sha256}",
            taken.Name, zip.Manifest.DbSize, revision, zip.ZipLength, zip.ZipSha256);

        // Each node's receiver has read its copy back and committed it, or says why not.
        var copies = await Task.WhenAll(directories.Select(async d =>
        {
            var result = results.Single(r => r.Name == d.Host);
            if (!result.Succeeded)
            {
                await d.RemovePartialAsync(fileName, _logger);
                return new SnapshotCopyResult(d.Host, false, null, result.Elapsed, result.Error!.Message);
            }

            return new SnapshotCopyResult(d.Host, true, delivery.Committed[d.Host], result.Elapsed, null);
        }));

        var all = copies.ToList();
        all.AddRange(session.Unreachable.Keys.Where(n => n.IsEtcd)
            .Select(n => new SnapshotCopyResult(n.Address, false, null, TimeSpan.Zero, "unreachable: " + session.Unreachable[n].Message)));
        if (s3 is not null)
        {
            var result = results.Single(r => r.Name == s3.Location);
            all.Add(delivery.Uploaded is { } u && result.Succeeded && u.ZipSha256 == zip.ZipSha256
                ? new SnapshotCopyResult(s3.Location, true, u.ZipSha256, result.Elapsed, null)
                : new SnapshotCopyResult(s3.Location, false, delivery.Uploaded?.ZipSha256, result.Elapsed, result.Error?.Message ?? "the uploaded object does not match the zip"));
        }

        return new SnapshotSaveReport(taken.Name, source.Host, taken.Member, taken.EtcdVersion, revision,
            zip.Manifest.DbSize, zip.Manifest.DbSha256, zip.ZipLength, zip.ZipSha256, TimeSpan.Zero, all);
    }

    private HelperSpec WithSnapshotDirectory(HelperSpec spec) =>
        spec with { Binds = [.. spec.Binds ?? [], $"{config.SnapshotDirectory}:{NodeHelperSpecs.SnapshotDirectoryInContainer}"] };

    private async Task RemoveRawAsync(NodeSession node, string tempFile)
    {
        if (await node.Helpers.TryCleanUpAsync(NodeHelperSpecs.SnapshotShell(config, "snapshot-cleanup", SnapshotDirectoryScripts.RemoveFiles([tempFile, tempFile + ".part"]))) is { } problem)
        {
            _log.Warning("{Host}: could not remove {File}: {Error}; 'clusterctl etcd cleanup' removes it", node.Host, tempFile, problem);
        }
    }
}
