using ClusterCtl.Config;
using ClusterCtl.Etcd;
using ClusterCtl.Storage;
using Serilog;

namespace ClusterCtl.Restore;

/// <summary>
/// Reads the chosen copy once and, in the same pass, verifies it (etcd's appended hash, and the manifest's db hash)
/// and streams the raw db to every etcd node's restore scratch directory. Each node then hashes what it received.
/// A copy that does not verify is discarded, with its partial transfers, and the next copy is tried.
/// With no targets (a dry run) the copy is only read and verified.
/// </summary>
internal sealed class SnapshotDistributor(ClusterConfig config, ILogger logger)
{
    public async Task<VerifiedSnapshot> DistributeAsync(
        string name, IReadOnlyList<SnapshotCopy> candidates, IReadOnlyList<RestoreStaging> targets, S3SnapshotStore? s3,
        IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var copy in candidates)
        {
            var destinations = targets.Count > 0
                ? targets.Select(t => FanOutDestination.Reading(t.Host, t.WriteAsync)).ToList()
                : [FanOutDestination.WritingTo("verification", Stream.Null)];
            var fanOut = new FanOutStream(destinations, cancellationToken);
            try
            {
                logger.Information("[restore] Reading {Copy}{Purpose}", copy, targets.Count > 0 ? $" and copying it to {targets.Count} etcd nodes" : " to verify it");
                await using var source = await OpenAsync(copy, s3, cancellationToken);
                await using var counted = new ProgressReadStream(source, "restore " + name, copy.Size, progress);
                var read = await SnapshotZipReader.ReadAsync(counted, fanOut, copy.ToString(), cancellationToken);
                read.Check.EnsureIntact(copy.ToString());
                var results = await fanOut.CompleteAsync(cancellationToken);
                if (results.FirstOrDefault(r => !r.Succeeded) is { } failed)
                {
                    throw new ClusterCtlException($"copying snapshot {name} to {failed.Name} failed: {failed.Error!.Message}");
                }

                await Task.WhenAll(targets.Select(t => t.CommitAsync(read.Check.DbSha256, cancellationToken)));
                logger.Information("[restore] Using {Copy}: db {DbSize} bytes, sha256 {Sha256}, verified", copy, read.Check.Length, read.Check.DbSha256);
                return new VerifiedSnapshot(name, copy, read);
            }
            catch (SnapshotCorruptException e)
            {
                problems.Add(e.Message);
                logger.Warning("[restore] {Copy} does not verify, not using it: {Error}", copy, e.Message);
                await fanOut.AbortAsync(e, CancellationToken.None);
                await Task.WhenAll(targets.Select(t => t.RemoveAsync()));
            }
            catch
            {
                await fanOut.AbortAsync(new OperationCanceledException(), CancellationToken.None);
                await Task.WhenAll(targets.Select(t => t.RemoveAsync()));
                throw;
            }
            finally
            {
                await fanOut.DisposeAsync();
            }
        }

        throw new ClusterCtlException(
            $"no copy of snapshot {name} verifies ({string.Join("; ", problems)}); nothing was changed", ExitCodes.Failed);
    }

    private async Task<Stream> OpenAsync(SnapshotCopy copy, S3SnapshotStore? s3, CancellationToken cancellationToken) =>
        copy.Node is { } node
            ? await NodeFileReader.OpenAsync(node, config, copy.FileName!, cancellationToken)
            : await s3!.OpenReadAsync(copy.SnapshotName, cancellationToken);
}
