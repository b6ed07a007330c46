using System.Globalization;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace ClusterCtl.Storage;

/// <summary>
/// Snapshot artifacts in one S3 folder: <c>&lt;folder&gt;/&lt;name&gt;.zip</c>, with the manifest and the zip's hash as
/// object metadata so that listing needs no download. Raw dbs placed under <c>&lt;folder&gt;/&lt;name&gt;</c> are listed
/// and read too. The client is set for the endpoint: path-style for any store but AWS, checksums only where
/// required and no aws-chunked bodies, which s3rver and some other stores would keep as part of the object.
/// </summary>
internal sealed partial class S3SnapshotStore : IDisposable
{
    private const string ZipContentType = "application/zip";
    private const int ConcurrentHeads = 8;

    private readonly S3Options _options;
    private readonly AmazonS3Client _client;
    private readonly CustomCaHttpClientFactory? _httpClientFactory;
    private readonly int _partSize;
    private readonly int _partsInFlight;

    public S3SnapshotStore(S3Options options)
        : this(options, DefaultPartSize, DefaultPartsInFlight)
    {
    }

    /// <param name="partSize">Multipart part size; S3 wants at least 5 MiB for every part but the last.</param>
    /// <param name="httpClientFactory">Where the client's HttpClient comes from instead of the SDK's own (tests answer S3 calls with it).</param>
    internal S3SnapshotStore(S3Options options, int partSize, int partsInFlight, HttpClientFactory? httpClientFactory = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(partSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(partsInFlight, 1);
        _partSize = partSize;
        _partsInFlight = partsInFlight;

        var config = new AmazonS3Config
        {
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            Timeout = TimeSpan.FromMinutes(5),
            MaxErrorRetry = 2,
        };
        if (options.IsAws)
        {
            // AWS proper (no endpoint, or RKE's default s3.amazonaws.com): the SDK's regional endpoint, virtual-host style.
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        else
        {
            config.ServiceURL = options.EndpointUri!.ToString();
            config.AuthenticationRegion = options.Region;
            config.ForcePathStyle = true;
        }

        if (config.EndpointProvider is { } rules)
        {
            config.EndpointProvider = new CachingEndpointProvider(rules);
        }

        if (options.CustomCaPem is { } pem)
        {
            _httpClientFactory = new CustomCaHttpClientFactory(pem);
            config.HttpClientFactory = _httpClientFactory;
        }

        if (httpClientFactory is not null)
        {
            config.HttpClientFactory = httpClientFactory;
        }

        // Without keys the SDK's default chain applies: environment, profile, instance role.
        _client = options.AccessKey is { } accessKey && options.SecretKey is { } secretKey
            ? new AmazonS3Client(new BasicAWSCredentials(accessKey, secretKey), config)
            : new AmazonS3Client(config);
        _client.BeforeRequestEvent += KeepSlashesInCopySource;
    }

    /// <summary>Endpoint, bucket and folder, for messages.</summary>
    public string Location => _options.Location;

    /// <summary>The key of a snapshot's zip: <c>&lt;folder&gt;/&lt;name&gt;.zip</c>.</summary>
    public string KeyFor(string name) => _options.KeyFor(SnapshotName.FileName(name));

    /// <summary>
    /// Every snapshot directly in the folder, newest first, with its manifest from HEAD metadata. Hidden,
    /// partial and temporary objects and deeper "subfolders" are left out.
    /// </summary>
    public async Task<IReadOnlyList<S3SnapshotEntry>> ListAsync(CancellationToken cancellationToken)
    {
        var objects = new List<(string Name, S3Object Object)>();
        var request = new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = _options.KeyPrefix, Delimiter = "/" };
        while (true)
        {
            var page = await CallAsync(() => _client.ListObjectsV2Async(request, cancellationToken), "list snapshots", null, cancellationToken);
            foreach (var item in page.S3Objects ?? [])
            {
                // A store that ignores the prefix must not make us read past the key's end, nor list another folder's objects.
                if (item.Key is { } key && key.StartsWith(_options.KeyPrefix, StringComparison.Ordinal)
                    && SnapshotName.FromFileName(key[_options.KeyPrefix.Length..]) is { } name)
                {
                    objects.Add((name, item));
                }
            }

            // A truncated page without a token to go on with would start the listing over, for ever.
            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken))
            {
                break;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }

        using var heads = new SemaphoreSlim(ConcurrentHeads);
        var entries = await Task.WhenAll(objects.Select(async o =>
        {
            await heads.WaitAsync(cancellationToken);
            try
            {
                return await DescribeAsync(o.Name, o.Object, cancellationToken);
            }
            finally
            {
                heads.Release();
            }
        }));

        return [.. entries.OrderByDescending(e => e.Manifest?.CreatedAt ?? e.LastModified).ThenBy(e => e.Name, StringComparer.Ordinal)];
    }

    /// <summary>Whether the snapshot is there, as a zip or as a raw db. A missing bucket is an error, not false.</summary>
    public async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken) =>
        await FindKeyAsync(name, cancellationToken) is not null;

    /// <summary>
    /// The snapshot's bytes (the zip, or the raw db) as a stream from S3. Dispose it when done.
    /// A missing snapshot is an <see cref="S3Exception"/> with exit code 2.
    /// </summary>
    public async Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken)
    {
        SnapshotName.Validate(name);
        foreach (var key in CandidateKeys(name))
        {
            try
            {
                var response = await _client.GetObjectAsync(_options.Bucket, key, cancellationToken);
                return response.ResponseStream;
            }
            catch (AmazonS3Exception e) when (S3ErrorTranslator.IsMissingObject(e))
            {
                // Try the raw db's key next.
            }
            catch (Exception e) when (S3ErrorTranslator.Translate(e, _options, $"download {key}") is { } translated && !cancellationToken.IsCancellationRequested)
            {
                throw translated;
            }
        }

        throw NotFound(name);
    }

    /// <summary>
    /// The uncompressed size of the db in the snapshot: a raw db's length, or for a zip the size its central directory
    /// gives (read with one ranged GET of the zip's last bytes), else its manifest's; null when neither tells.
    /// </summary>
    public async Task<long?> ReadDbSizeAsync(S3SnapshotEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!entry.IsZip)
        {
            return entry.Size;
        }

        var length = (int)Math.Min(entry.Size, ZipCentralDirectory.TailBytes);
        var request = new GetObjectRequest { BucketName = _options.Bucket, Key = entry.Key, ByteRange = new ByteRange(entry.Size - length, entry.Size - 1) };
        using var response = await CallAsync(() => _client.GetObjectAsync(request, cancellationToken), $"read the end of {entry.Key}", null, cancellationToken);
        var tail = new byte[length];
        // A store that ignores the range sends the whole object; its first bytes are not the tail.
        var read = response.ContentLength == length ? await response.ResponseStream.ReadAtLeastAsync(tail, length, throwOnEndOfStream: false, cancellationToken) : 0;
        return ZipCentralDirectory.DbSize(read == length ? ZipCentralDirectory.TryRead(tail, entry.Size) : null) ?? entry.Manifest?.DbSize;
    }

    /// <summary>Deletes the snapshot (its zip and any raw db of the same name); a missing one is an error with exit code 2.</summary>
    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var deleted = false;
        foreach (var key in CandidateKeys(name))
        {
            if (await HeadAsync(key, cancellationToken) is not null)
            {
                await CallAsync(() => _client.DeleteObjectAsync(_options.Bucket, key, cancellationToken), $"delete {key}", null, cancellationToken);
                deleted = true;
            }
        }

        if (!deleted)
        {
            await EnsureBucketAsync(cancellationToken);
            throw NotFound(name);
        }
    }

    /// <summary>
    /// Records in the object's metadata that a restore drill verified it at <paramref name="at"/>, keeping the rest of
    /// its metadata. False when the object is over the 5 GiB one copy can take, and so stays unmarked.
    /// </summary>
    public async Task<bool> MarkVerifiedAsync(string name, DateTimeOffset at, CancellationToken cancellationToken)
    {
        foreach (var key in CandidateKeys(name))
        {
            if (await HeadAsync(key, cancellationToken) is not { } head)
            {
                continue;
            }

            if (head.ContentLength > MaxSingleCopyBytes)
            {
                return false;
            }

            var metadata = head.Metadata.Keys.ToDictionary(SnapshotManifest.BareMetadataKey, k => head.Metadata[k], StringComparer.OrdinalIgnoreCase);
            metadata[SnapshotManifest.VerifiedAtMetadataKey] = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            await ReplaceMetadataAsync(key, metadata, $"record the drill of {key}", cancellationToken, head.Headers.ContentType ?? ZipContentType, head.ETag);
            return true;
        }

        throw NotFound(name);
    }

    public void Dispose()
    {
        _client.Dispose();
        _httpClientFactory?.Dispose();
    }

    /// <summary>
    /// The SDK sends <c>x-amz-copy-source</c> with every '/' as %2F; s3rver decodes it with JavaScript's decodeURI,
    /// which leaves %2F alone, and then finds no bucket. AWS, MinIO and Ceph take literal slashes just as well, and
    /// this runs before the request is signed.
    /// </summary>
    private static void KeepSlashesInCopySource(object sender, RequestEventArgs e)
    {
        if (e is WebServiceRequestEventArgs { Headers: { } headers } && headers.TryGetValue("x-amz-copy-source", out var source))
        {
            headers["x-amz-copy-source"] = source.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        }
    }

    private async Task<string?> FindKeyAsync(string name, CancellationToken cancellationToken)
    {
        foreach (var key in CandidateKeys(name))
        {
            if (await HeadAsync(key, cancellationToken) is not null)
            {
                return key;
            }
        }

        // A HEAD on a missing bucket is a bare 404 too: tell the two apart before answering "no".
        await EnsureBucketAsync(cancellationToken);
        return null;
    }

    private IEnumerable<string> CandidateKeys(string name)
    {
        yield return KeyFor(name);
        // Listing takes <name>.ZIP for the same snapshot as <name>.zip; reading and deleting must find it too.
        yield return _options.KeyFor(SnapshotName.Validate(name) + SnapshotName.ZipExtension.ToUpperInvariant());
        yield return _options.KeyFor(SnapshotName.Validate(name));
    }

    private async Task<GetObjectMetadataResponse?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.GetObjectMetadataAsync(_options.Bucket, key, cancellationToken);
        }
        catch (AmazonS3Exception e) when (S3ErrorTranslator.IsMissingObject(e))
        {
            return null;
        }
        catch (Exception e) when (S3ErrorTranslator.Translate(e, _options, $"look up {key}") is { } translated && !cancellationToken.IsCancellationRequested)
        {
            throw translated;
        }
    }

    // Shaped like the listing (folder and delimiter, one page): s3rver answers a MaxKeys=1 list of a folder that holds
    // objects with an internal error, which turned "is this name free?" into a failure.
    private async Task EnsureBucketAsync(CancellationToken cancellationToken) =>
        await CallAsync(
            () => _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = _options.KeyPrefix, Delimiter = "/" }, cancellationToken),
            "list snapshots", null, cancellationToken);

    private async Task<S3SnapshotEntry> DescribeAsync(string name, S3Object item, CancellationToken cancellationToken)
    {
        var head = await HeadAsync(item.Key, cancellationToken);
        var metadata = head is null ? [] : head.Metadata.Keys.Select(k => KeyValuePair.Create(k, head.Metadata[k])).ToList();
        return new S3SnapshotEntry(
            name, item.Key, item.Size ?? head?.ContentLength ?? 0, item.LastModified is { } modified ? new DateTimeOffset(modified.ToUniversalTime(), TimeSpan.Zero) : null,
            SnapshotManifest.FromS3Metadata(metadata), SnapshotManifest.ZipSha256FromS3Metadata(metadata),
            item.Key.EndsWith(SnapshotName.ZipExtension, StringComparison.OrdinalIgnoreCase), SnapshotManifest.VerifiedAtFromS3Metadata(metadata));
    }

    /// <summary>Runs one S3 call and turns its failure into an <see cref="S3Exception"/>; our own cancellation passes as is.</summary>
    private async Task<T> CallAsync<T>(Func<Task<T>> call, string operation, string? snapshotName, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && S3ErrorTranslator.Translate(e, _options, operation, snapshotName) is { } translated)
        {
            throw translated;
        }
    }

    private S3Exception NotFound(string name) =>
        new($"snapshot {name} not found in s3://{_options.Bucket}/{_options.KeyPrefix} at {_options.EndpointUri?.GetLeftPart(UriPartial.Authority) ?? "AWS S3"}", ExitCodes.InvalidInput);
}
