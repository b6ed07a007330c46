namespace ClusterCtl.Storage;

/// <summary>RKE's S3 flags as given on the command line (null when not given).</summary>
/// <param name="EndpointCaFile">The path given to <c>--s3-endpoint-ca</c>: a PEM file, read by <see cref="S3Options.Merge"/>.</param>
internal sealed record S3Flags(
    bool S3 = false,
    string? Endpoint = null,
    string? EndpointCaFile = null,
    string? AccessKey = null,
    string? SecretKey = null,
    string? BucketName = null,
    string? Region = null,
    string? Folder = null)
{
    public static readonly S3Flags None = new();

    public bool AnyGiven => Endpoint is not null || EndpointCaFile is not null || AccessKey is not null || SecretKey is not null
        || BucketName is not null || Region is not null || Folder is not null;

    public override string ToString() =>
        $"S3Flags {{ S3 = {S3}, Endpoint = {Endpoint}, Bucket = {BucketName}, Folder = {Folder}, Region = {Region}, AccessKey = {(AccessKey is null ? "none" : "[set]")}, SecretKey = {(SecretKey is null ? "none" : "[redacted]")} }}";
}
