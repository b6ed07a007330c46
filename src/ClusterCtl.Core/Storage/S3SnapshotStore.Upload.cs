using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;

namespace ClusterCtl.Storage;

/// <summary>
/// Uploads as a hand-driven multipart upload, because TransferUtility cannot turn aws-chunked bodies off.
/// The zip is read once, in parts; up to <see cref="DefaultPartsInFlight"/> parts go up at a time, so memory is
/// (parts in flight + 1) × part size whatever the artifact's size. Any failure or cancellation aborts the upload,
/// so no half-written object ever appears under the snapshot's key.
/// </summary>
/// <remarks>
/// Metadata can only be given when an upload starts, but the zip's SHA-256, and in a fan-out pipeline the
/// manifest too, are only known once the last byte has gone by. Rather than reading the zip twice (hash, then
/// upload) the upload starts with what is known and, once completed, the object is copied onto itself with
/// <c>REPLACE</c> metadata. That copy happens inside the store (s3rver only rewrites its metadata file; AWS, MinIO
/// and Ceph copy server-side) and costs no client bandwidth. S3 copies at most 5 GiB in one request: above that
/// the metadata given at the start stays and the result says so. Objects that fit one part go up in one PUT
/// with everything known, and need no copy.
/// </remarks>
internal sealed partial class S3SnapshotStore
{
    // S3's smallest part, two at a time: 15 MiB of buffers at most. The zip comes at a few tens of MB/s at best
    // (deflate on the source's bytes), which two parts in flight outrun even on one slow connection per part.
    public const int DefaultPartSize = 5 * 1024 * 1024;
    public const int DefaultPartsInFlight = 2;

    // The largest object S3 copies in a single CopyObject request.
    private const long MaxSingleCopyBytes = 5L * 1024 * 1024 * 1024;

    private PartBufferPool? _partBuffers;

    // The parts in flight plus the one being read: what an upload holds at most, whatever the snapshot's size.
    private PartBufferPool PartBuffers => _partBuffers ??= new PartBufferPool(_partSize, _partsInFlight + 1);

    /// <summary>Uploads a zip whose manifest is known; <paramref name="zipSha256"/>, when given, is checked against the bytes read.</summary>
    /// <param name="zipSource">The zip; read once, to its end, and need not seek.</param>
    /// <param name="progress">Receives the bytes stored so far, as parts complete.</param>
    public Task<S3UploadResult> UploadAsync(
        string name, Stream zipSource, SnapshotManifest manifest, string? zipSha256, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return UploadCoreAsync(name, zipSource, manifest, null, zipSha256, progress, cancellationToken);
    }

    /// <summary>
    /// Uploads a zip that is still being written, e.g. one destination of a <see cref="FanOutStream"/> fed by
    /// <see cref="SnapshotZipWriter"/>: the manifest is awaited only after the source has ended.
    /// </summary>
    public Task<S3UploadResult> UploadAsync(
        string name, Stream zipSource, Task<SnapshotManifest> manifestWhenDone, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifestWhenDone);
        return UploadCoreAsync(name, zipSource, null, manifestWhenDone, null, progress, cancellationToken);
    }

    private async Task<S3UploadResult> UploadCoreAsync(
        string name,
        Stream zipSource,
        SnapshotManifest? knownManifest,
        Task<SnapshotManifest>? lateManifest,
        string? expectedZipSha256,
        IProgress<long>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(zipSource);
        var key = KeyFor(name);
        var clock = Stopwatch.StartNew();
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        var first = PartBuffers.Rent();
        int firstLength;
        try
        {
            firstLength = await zipSource.ReadAtLeastAsync(first.AsMemory(0, _partSize), _partSize, throwOnEndOfStream: false, cancellationToken);
            sha256.AppendData(first.AsSpan(0, firstLength));
            if (firstLength < _partSize)
            {
                return await PutSingleAsync(key, first, firstLength, sha256, knownManifest, lateManifest, expectedZipSha256, progress, clock, cancellationToken);
            }
        }
        catch
        {
            PartBuffers.Return(first);
            throw;
        }

        // The first buffer now belongs to the multipart upload, which returns it.
        return await PutMultipartAsync(key, zipSource, first, sha256, knownManifest, lateManifest, expectedZipSha256, progress, clock, cancellationToken);
    }

    private async Task<S3UploadResult> PutSingleAsync(
        string key, byte[] buffer, int length, IncrementalHash sha256, SnapshotManifest? knownManifest, Task<SnapshotManifest>? lateManifest,
        string? expectedZipSha256, IProgress<long>? progress, Stopwatch clock, CancellationToken cancellationToken)
    {
        try
        {
            var zipSha256 = CheckedSha256(sha256, expectedZipSha256, key);
            var manifest = knownManifest ?? await lateManifest!.WaitAsync(cancellationToken);
            using var body = new MemoryStream(buffer, 0, length, writable: false);
            var request = new PutObjectRequest
            {
                BucketName = _options.Bucket,
                Key = key,
                InputStream = body,
                ContentType = ZipContentType,
                UseChunkEncoding = false,
                AutoCloseStream = false,
            };
            AddMetadata(request.Metadata, manifest.ToS3Metadata(zipSha256));
            await CallAsync(() => _client.PutObjectAsync(request, cancellationToken), $"upload {key}", null, cancellationToken);
            progress?.Report(length);
            return new S3UploadResult(key, length, zipSha256, 1, true, manifest, clock.Elapsed);
        }
        finally
        {
            PartBuffers.Return(buffer);
        }
    }

    private async Task<S3UploadResult> PutMultipartAsync(
        string key, Stream zipSource, byte[] first, IncrementalHash sha256, SnapshotManifest? knownManifest, Task<SnapshotManifest>? lateManifest,
        string? expectedZipSha256, IProgress<long>? progress, Stopwatch clock, CancellationToken cancellationToken)
    {
        var metadataAtStartIsComplete = knownManifest is not null && expectedZipSha256 is not null;
        var initiate = new InitiateMultipartUploadRequest { BucketName = _options.Bucket, Key = key, ContentType = ZipContentType };
        if (knownManifest is not null)
        {
            AddMetadata(initiate.Metadata, knownManifest.ToS3Metadata(expectedZipSha256));
        }

        InitiateMultipartUploadResponse started;
        try
        {
            started = await CallAsync(() => _client.InitiateMultipartUploadAsync(initiate, cancellationToken), $"start uploading {key}", null, cancellationToken);
        }
        catch
        {
            PartBuffers.Return(first);
            throw;
        }

        var completed = false;
        try
        {
            var (parts, length) = await UploadPartsAsync(key, started.UploadId, zipSource, first, sha256, progress, cancellationToken);
            var zipSha256 = CheckedSha256(sha256, expectedZipSha256, key);
            var manifest = knownManifest ?? await lateManifest!.WaitAsync(cancellationToken);

            var complete = new CompleteMultipartUploadRequest { BucketName = _options.Bucket, Key = key, UploadId = started.UploadId, PartETags = parts };
            await CallAsync(() => _client.CompleteMultipartUploadAsync(complete, cancellationToken), $"complete uploading {key}", null, cancellationToken);
            completed = true;

            var metadataComplete = metadataAtStartIsComplete;
            if (!metadataComplete && length <= MaxSingleCopyBytes)
            {
                await ReplaceMetadataAsync(key, manifest.ToS3Metadata(zipSha256), $"record the manifest of {key}", cancellationToken);
                metadataComplete = true;
            }

            return new S3UploadResult(key, length, zipSha256, parts.Count, metadataComplete, manifest, clock.Elapsed);
        }
        catch when (!completed)
        {
            await AbortQuietlyAsync(key, started.UploadId);
            throw;
        }
        catch
        {
            // Completed but unlabelled: take it away rather than leave an object that looks like a finished upload.
            await DeleteQuietlyAsync(key);
            throw;
        }
    }

    private async Task<(List<PartETag> Parts, long Length)> UploadPartsAsync(
        string key, string uploadId, Stream zipSource, byte[] first, IncrementalHash sha256, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        using var partsCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(_partsInFlight);
        var uploads = new List<Task<PartETag>>();
        long length = 0;
        long stored = 0;
        var buffer = first;
        var bufferLength = _partSize;
        ExceptionDispatchInfo? readFailure = null;
        try
        {
            while (bufferLength > 0)
            {
                await slots.WaitAsync(partsCancellation.Token);
                var (partBuffer, partLength, partNumber) = (buffer, bufferLength, uploads.Count + 1);
                buffer = null;
                uploads.Add(Task.Run(
                    async () =>
                    {
                        try
                        {
                            var tag = await UploadPartAsync(key, uploadId, partNumber, partBuffer, partLength, partsCancellation.Token);
                            progress?.Report(Interlocked.Add(ref stored, partLength));
                            return tag;
                        }
                        catch
                        {
                            // One failed part dooms the upload: stop the others and the reading now.
                            await partsCancellation.CancelAsync();
                            throw;
                        }
                        finally
                        {
                            PartBuffers.Return(partBuffer);
                            slots.Release();
                        }
                    },
                    CancellationToken.None));
                length += partLength;

                buffer = PartBuffers.Rent();
                bufferLength = await zipSource.ReadAtLeastAsync(buffer.AsMemory(0, _partSize), _partSize, throwOnEndOfStream: false, partsCancellation.Token);
                sha256.AppendData(buffer.AsSpan(0, bufferLength));
            }
        }
        catch (Exception e)
        {
            readFailure = ExceptionDispatchInfo.Capture(e);
            await partsCancellation.CancelAsync();
        }
        finally
        {
            if (buffer is not null)
            {
                PartBuffers.Return(buffer);
            }
        }

        // Every part must have finished before the upload may be completed or aborted.
        try
        {
            await Task.WhenAll(uploads);
        }
#pragma warning disable CA1031 // Looked at part by part below.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        // A failed part cancels the reading and the other parts: its error, not the cancellation, is the story.
        if (uploads.FirstOrDefault(u => u.IsFaulted && u.Exception!.InnerException is not OperationCanceledException) is { } failedPart)
        {
            ExceptionDispatchInfo.Throw(failedPart.Exception!.InnerException!);
        }

        readFailure?.Throw();
        cancellationToken.ThrowIfCancellationRequested();
        return ([.. uploads.Select(u => u.Result)], length);
    }

    private async Task<PartETag> UploadPartAsync(string key, string uploadId, int partNumber, byte[] buffer, int length, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(buffer, 0, length, writable: false);
        var request = new UploadPartRequest
        {
            BucketName = _options.Bucket,
            Key = key,
            UploadId = uploadId,
            PartNumber = partNumber,
            PartSize = length,
            InputStream = body,

            // Without this the SDK sends an aws-chunked body, which some stores (s3rver) keep as the object's bytes.
            UseChunkEncoding = false,
        };
        var response = await CallAsync(() => _client.UploadPartAsync(request, cancellationToken), $"upload part {partNumber} of {key}", null, cancellationToken);
        return new PartETag(partNumber, response.ETag);
    }

    /// <summary>S3 changes an object's metadata only by copying the object onto itself; <paramref name="ifETag"/> makes sure it is still the one read.</summary>
    private async Task ReplaceMetadataAsync(
        string key, Dictionary<string, string> metadata, string operation, CancellationToken cancellationToken, string contentType = ZipContentType, string? ifETag = null)
    {
        var copy = new CopyObjectRequest
        {
            SourceBucket = _options.Bucket,
            SourceKey = key,
            DestinationBucket = _options.Bucket,
            DestinationKey = key,
            MetadataDirective = S3MetadataDirective.REPLACE,
            ContentType = contentType,
            ETagToMatch = ifETag,
        };
        AddMetadata(copy.Metadata, metadata);
        await CallAsync(() => _client.CopyObjectAsync(copy, cancellationToken), operation, null, cancellationToken);
    }

    private string CheckedSha256(IncrementalHash sha256, string? expected, string key)
    {
        var actual = Convert.ToHexStringLower(sha256.GetCurrentHash());
        if (expected is not null && !string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
        {
            throw new SnapshotCorruptException($"{key} for {_options.Location}", $"the bytes read for upload have sha256 {actual}, not the artifact's {expected}");
        }

        return actual;
    }

    private async Task AbortQuietlyAsync(string key, string uploadId)
    {
        // Not cancellable: the caller's token may be the reason we are here, and parts left behind cost storage.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _options.Bucket, Key = key, UploadId = uploadId }, timeout.Token);
        }
#pragma warning disable CA1031 // Best effort: the failure that brought us here is the one to report.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private async Task DeleteQuietlyAsync(string key)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _client.DeleteObjectAsync(_options.Bucket, key, timeout.Token);
        }
#pragma warning disable CA1031 // Best effort: the failure that brought us here is the one to report.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private static void AddMetadata(MetadataCollection target, Dictionary<string, string> metadata)
    {
        foreach (var (key, value) in metadata)
        {
            target.Add(key, value);
        }
    }
}
