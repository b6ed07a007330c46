using System.Collections.Concurrent;
using ClusterCtl.Services;
using ClusterCtl.Storage;
using Serilog;

namespace ClusterCtl.Etcd;

/// <summary>
/// Where one snapshot-save's zip goes: a receiver on every etcd node and, when configured, the S3 upload, fed by one
/// fan-out. Opened before the snapshot is taken so that the receivers' containers start while etcd writes it. Each
/// receiver also verifies and commits its node's copy, once the zip's digests are known.
/// </summary>
internal sealed class SnapshotDelivery
{
    private readonly ILogger _logger;
    private bool _aborted;

    public SnapshotDelivery(IReadOnlyList<NodeSnapshotDirectory> directories, string name, S3SnapshotStore? s3, ILogger logger, CancellationToken cancellationToken)
    {
        _logger = logger;
        Directories = directories;
        var fileName = FileName = SnapshotName.FileName(name);
        var destinations = directories
            .Select(d => FanOutDestination.Reading(d.Host, async (reader, ct) =>
                Committed[d.Host] = await d.ReceiveAsync(fileName, reader, DigestsWhenDone.Task, ct)))
            .ToList();
        if (s3 is not null)
        {
            // The upload runs alongside the nodes; the manifest it stores as metadata is handed over once the zip is written.
            destinations.Add(FanOutDestination.Reading(s3.Location, async (zipReader, ct) =>
                Uploaded = await s3.UploadAsync(name, zipReader, ManifestWhenDone.Task, null, ct)));
        }

        FanOut = new FanOutStream(destinations, cancellationToken);
    }

    public IReadOnlyList<NodeSnapshotDirectory> Directories { get; }

    public string FileName { get; }

    public FanOutStream FanOut { get; }

    public TaskCompletionSource<SnapshotManifest> ManifestWhenDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set once the zip is written: each node's receiver checks its copy against these, then commits it.</summary>
    public TaskCompletionSource<ExpectedDigest> DigestsWhenDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The SHA-256 each node recorded for its committed copy, by host.</summary>
    public ConcurrentDictionary<string, string> Committed { get; } = new(StringComparer.Ordinal);

    public S3UploadResult? Uploaded { get; private set; }

    /// <summary>Stops every receiver and the upload and removes the partial files. Runs during cleanup, so it takes no token.</summary>
    public async Task AbortAsync(Exception reason)
    {
        if (_aborted)
        {
            return;
        }

        _aborted = true;
        ManifestWhenDone.TrySetException(reason);
        DigestsWhenDone.TrySetException(reason);
        await FanOut.AbortAsync(reason, CancellationToken.None);
        await FanOut.DisposeAsync();
        await Task.WhenAll(Directories.Select(d => d.RemovePartialAsync(FileName, _logger)));
    }
}
