using ClusterCtl.Config;
using ClusterCtl.Etcd;
using ClusterCtl.Logging;
using ClusterCtl.Services;
using ClusterCtl.Storage;
using Serilog;

namespace ClusterCtl.Restore;

/// <summary>
/// Puts the chosen snapshot's raw db into every etcd node's restore scratch directory (phase 4, distribute).
/// When every node already holds a zip identical to the chosen copy (the usual case: snapshot-save leaves one on
/// each), each node extracts its own, in parallel, and nothing crosses the network. Otherwise the chosen copy is read
/// once and, in the same pass, verified (etcd's appended hash, and the manifest's db hash) and streamed to every node,
/// which then hashes what it received; a copy that does not verify is discarded, with its partial transfers, and the
/// next copy is tried. With no targets (a dry run) the copy is only read and verified. No node receives more than
/// <c>maxDbBytes</c>, the size the preflight checked the disks for: a longer db counts as a copy that does not verify.
/// </summary>
internal sealed class SnapshotDistributor(ClusterConfig config, ILogger logger)
{
    private readonly ILogger _log = logger.ForScope("restore");

    public async Task<VerifiedSnapshot> DistributeAsync(
        string name, IReadOnlyList<SnapshotCopy> candidates, IReadOnlyList<RestoreStaging> targets, S3SnapshotStore? s3,
        long maxDbBytes, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        if (targets.Count > 0 && candidates.Count > 0 && await TryExtractOnNodesAsync(name, candidates, targets, maxDbBytes, cancellationToken) is { } extracted)
        {
            return extracted;
        }

        var problems = new List<string>();
        foreach (var copy in candidates)
        {
            // Each node checks its copy against the db's SHA-256 once the read has verified the whole db.
            var verified = new TaskCompletionSource<ExpectedDigest>(TaskCreationOptions.RunContinuationsAsynchronously);
            var destinations = targets.Count > 0
                ? targets.Select(t => FanOutDestination.Reading(t.Host, (db, ct) => t.ReceiveAsync(db, maxDbBytes, verified.Task, ct))).ToList()
                : [FanOutDestination.WritingTo("verification", Stream.Null)];
            var fanOut = new FanOutStream(destinations, cancellationToken);
            try
            {
                _log.Information("Reading {Copy}{Purpose}", copy, targets.Count > 0 ? $" and copying it to {targets.Count} etcd nodes" : " to verify it");
                await using var source = await copy.OpenAsync(config, s3, cancellationToken);
                await using var counted = new ProgressReadStream(source, "restore " + name, copy.Size, progress);
                await using var bounded = new BoundedWriteStream(fanOut, maxDbBytes);
                var read = await SnapshotZipReader.ReadAsync(counted, bounded, copy.ToString(), cancellationToken);
                read.Check.EnsureIntact(copy.ToString());
                verified.SetResult(new ExpectedDigest(read.Check.DbSha256, read.Check.DbSha256));
                var results = await fanOut.CompleteAsync(cancellationToken);
                if (results.FirstOrDefault(r => !r.Succeeded) is { } failed)
                {
                    throw new ClusterCtlException($"copying snapshot {name} to {failed.Name} failed: {failed.Error!.Message}");
                }

                _log.Information("Using {Copy}: db {DbSize} bytes, sha256 {Sha256}, verified", copy, read.Check.Length, read.Check.DbSha256);
                return VerifiedSnapshot.Read(name, copy, read);
            }
            catch (SnapshotCorruptException e)
            {
                problems.Add(e.Message);
                _log.Warning("{Copy} does not verify, not using it: {Error}", copy, e.Message);
                await DiscardAsync(e, e);
            }
            catch (WriteLimitExceededException e)
            {
                // A zip that inflates past what it declares is damaged (a flipped bit in its deflate stream) or lying;
                // either way this copy does not verify, and another may.
                var problem = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"the db in {copy} is larger than the {maxDbBytes} bytes the preflight checked the disks for");
                problems.Add(problem);
                _log.Warning("{Copy} does not verify, not using it: {Error}; its partial copies are removed", copy, problem);
                await DiscardAsync(e, e);
            }
            catch (Exception e)
            {
                await DiscardAsync(e, new OperationCanceledException());
                throw;
            }
            finally
            {
                await fanOut.DisposeAsync();
            }

            // Stops every node's receiver (which would otherwise wait for the digest) and removes what they wrote.
            async Task DiscardAsync(Exception reason, Exception abortWith)
            {
                verified.TrySetException(reason);
                await fanOut.AbortAsync(abortWith, CancellationToken.None);
                await Task.WhenAll(targets.Select(t => t.RemoveAsync()));
            }
        }

        throw new ClusterCtlException(
            $"no copy of snapshot {name} verifies ({string.Join("; ", problems)}); nothing was changed", ExitCodes.Failed);
    }

    private async Task<VerifiedSnapshot?> TryExtractOnNodesAsync(
        string name, IReadOnlyList<SnapshotCopy> candidates, IReadOnlyList<RestoreStaging> targets, long maxDbBytes, CancellationToken cancellationToken)
    {
        var chosen = candidates[0];
        // A manifest that claims more than was checked goes the streamed way, which refuses it with its reason.
        if (chosen is not { Manifest: { } manifest, Sha256: { } sha256 } || manifest.DbSize > maxDbBytes)
        {
            return null;
        }

        var zips = targets.ToDictionary(t => t, t => candidates.FirstOrDefault(c =>
            c.Node?.Host == t.Host && c.Sha256 == sha256 && c.FileName is { } file && file.EndsWith(SnapshotName.ZipExtension, StringComparison.OrdinalIgnoreCase)));
        if (zips.Values.Any(z => z is null))
        {
            return null;
        }

        _log.Information("Every etcd node holds {Name} with sha256 {Sha256}: extracting it on each node, nothing is copied", name, sha256);
        try
        {
            await Task.WhenAll(targets.Select(t => t.ExtractAsync(zips[t]!.FileName!, SnapshotZipLayout.DbEntryName(name), manifest.DbSize, cancellationToken)));
            return VerifiedSnapshot.ExtractedOnNodes(name, chosen, manifest);
        }
        catch (ClusterCtlException e)
        {
            _log.Warning("{Error}; copying the snapshot to every node instead", e.Message);
            await Task.WhenAll(targets.Select(t => t.RemoveAsync()));
            return null;
        }
    }

}
