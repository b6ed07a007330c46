using System.Text;
using ClusterCtl.Config;

namespace ClusterCtl.Storage;

/// <summary>
/// Where snapshots go in S3, resolved from <c>backup_config.s3backupconfig</c> and the S3 flags (flags win).
/// An endpoint without a scheme gets https, as RKE does; <c>http://</c> is allowed for MinIO and test stores.
/// No endpoint, or an amazonaws.com one, means AWS itself.
/// </summary>
internal sealed record S3Options(
    string? Endpoint,
    string Region,
    string Bucket,
    string? Folder,
    string? AccessKey,
    string? SecretKey,
    string? CustomCaPem)
{
    public const string DefaultRegion = "us-east-1";

    /// <summary>The endpoint as a URL, or null for AWS's regional endpoint.</summary>
    public Uri? EndpointUri => string.IsNullOrWhiteSpace(Endpoint)
        ? null
        : new Uri(Endpoint.Contains("://", StringComparison.Ordinal) ? Endpoint.TrimEnd('/') : "https://" + Endpoint.Trim().TrimEnd('/'));

    /// <summary>AWS proper, where virtual-host addressing is the norm; every other store gets path-style.</summary>
    public bool IsAws => EndpointUri is not { } uri
        || uri.Host.Equals("s3.amazonaws.com", StringComparison.OrdinalIgnoreCase)
        || (uri.Host.StartsWith("s3", StringComparison.OrdinalIgnoreCase) && uri.Host.EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase));

    /// <summary>Names the store in messages: endpoint, bucket and folder; never a key.</summary>
    public string Location => $"s3://{Bucket}/{(string.IsNullOrEmpty(Folder) ? "" : Folder + "/")} at {EndpointUri?.GetLeftPart(UriPartial.Authority) ?? $"AWS S3 ({Region})"}";

    /// <summary>
    /// The effective S3 settings, or null when S3 is off: it is on when <c>--s3</c> is given or cluster.yml has an
    /// s3backupconfig. Each flag overrides its cluster.yml key. Invalid combinations exit 2.
    /// </summary>
    public static S3Options? Merge(S3Settings? fromConfig, S3Flags flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        if (!flags.S3 && fromConfig is null)
        {
            if (flags.AnyGiven)
            {
                throw Invalid("S3 flags were given without --s3 and cluster.yml has no s3backupconfig; add --s3 to use S3");
            }

            return null;
        }

        var bucket = Pick(flags.BucketName, fromConfig?.BucketName)
            ?? throw Invalid("S3 needs a bucket: give --bucket-name or set bucket_name in backup_config.s3backupconfig");
        var endpoint = Pick(flags.Endpoint, fromConfig?.Endpoint);
        if (endpoint is not null && !ClusterConfigResolver.IsValidEndpoint(endpoint))
        {
            throw Invalid($"S3 endpoint \"{endpoint}\" is not a host name or an http(s) URL; fix --s3-endpoint or endpoint in s3backupconfig");
        }

        var accessKey = Pick(flags.AccessKey, fromConfig?.AccessKey);
        var secretKey = Pick(flags.SecretKey, fromConfig?.SecretKey);
        if ((accessKey is null) != (secretKey is null))
        {
            throw Invalid("S3 needs both an access key and a secret key, or neither (then the AWS credential chain is used): give --access-key with --secret-key");
        }

        var customCa = flags.EndpointCaFile is { Length: > 0 } caFile ? ReadCaFile(caFile) : Pick(null, fromConfig?.CustomCaPem);
        var folder = Pick(flags.Folder, fromConfig?.Folder)?.Trim('/');

        return new S3Options(
            endpoint, Pick(flags.Region, fromConfig?.Region) ?? DefaultRegion, bucket, string.IsNullOrEmpty(folder) ? null : folder,
            accessKey, secretKey, customCa);
    }

    /// <summary>The object key of a file in the folder: <c>folder/file</c>, or <c>file</c> without a folder; never a leading slash.</summary>
    public string KeyFor(string fileName) => string.IsNullOrEmpty(Folder) ? fileName : $"{Folder}/{fileName}";

    /// <summary>The prefix every key in the folder starts with.</summary>
    public string KeyPrefix => string.IsNullOrEmpty(Folder) ? "" : Folder + "/";

    public override string ToString() =>
        $"S3Options {{ Endpoint = {Endpoint ?? "AWS"}, Region = {Region}, Bucket = {Bucket}, Folder = {Folder}, AccessKey = {(AccessKey is null ? "none" : "[set]")}, SecretKey = {(SecretKey is null ? "none" : "[redacted]")}, CustomCa = {(CustomCaPem is null ? "none" : "[set]")} }}";

    private static string? Pick(string? flag, string? config) =>
        !string.IsNullOrWhiteSpace(flag) ? flag.Trim() : !string.IsNullOrWhiteSpace(config) ? config.Trim() : null;

    private static string ReadCaFile(string path)
    {
        string pem;
        try
        {
            pem = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Invalid($"cannot read the S3 CA file {path} given to --s3-endpoint-ca ({e.Message})", e);
        }

        return pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)
            ? pem
            : throw Invalid($"the S3 CA file {path} given to --s3-endpoint-ca holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }

    private static ClusterCtlException Invalid(string message, Exception? inner = null) => new(message, ExitCodes.InvalidInput, inner);
}
