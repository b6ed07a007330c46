namespace ClusterCtl.Config;

/// <summary>Where snapshots go in S3: <c>backup_config.s3backupconfig</c>, possibly overridden by the S3 flags.</summary>
internal sealed record S3Settings(
    string? AccessKey,
    string? SecretKey,
    string BucketName,
    string? Region,
    string? Endpoint,
    string? CustomCaPem,
    string? Folder)
{
    public override string ToString() =>
        $"S3Settings {{ Endpoint = {Endpoint}, Bucket = {BucketName}, Folder = {Folder}, Region = {Region}, AccessKey = {(AccessKey is null ? "none" : "[set]")}, SecretKey = [redacted] }}";
}
