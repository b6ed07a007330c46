using ClusterCtl.Config;
using ClusterCtl.Storage;
using McMaster.Extensions.CommandLineUtils;

namespace ClusterCtl.Cli.Commands.Etcd;

/// <summary>A snapshot command: RKE's S3 flags, which override cluster.yml's backup_config.s3backupconfig.</summary>
internal abstract class SnapshotCommandBase : ClusterCommandBase
{
    [Option("--s3", "Use S3 (also on when cluster.yml has backup_config.s3backupconfig).", CommandOptionType.NoValue)]
    public bool S3 { get; set; }

    [Option("--s3-endpoint <URL>", "S3 endpoint: a host name, or an http(s):// URL for MinIO and other stores.", CommandOptionType.SingleValue)]
    public string? S3Endpoint { get; set; }

    [Option("--s3-endpoint-ca <FILE>", "PEM file of the CA that signed the endpoint's certificate.", CommandOptionType.SingleValue)]
    public string? S3EndpointCa { get; set; }

    [Option("--access-key <KEY>", "S3 access key (default: cluster.yml, else the AWS credential chain).", CommandOptionType.SingleValue)]
    public string? AccessKey { get; set; }

    [Option("--secret-key <KEY>", "S3 secret key. Prefer AWS_SECRET_ACCESS_KEY: a flag is visible to other users in ps.", CommandOptionType.SingleValue)]
    public string? SecretKey { get; set; }

    [Option("--bucket-name <NAME>", "S3 bucket.", CommandOptionType.SingleValue)]
    public string? BucketName { get; set; }

    [Option("--region <REGION>", "S3 region (default us-east-1).", CommandOptionType.SingleValue)]
    public string? Region { get; set; }

    [Option("--folder <FOLDER>", "Folder (key prefix) in the bucket.", CommandOptionType.SingleValue)]
    public string? Folder { get; set; }

    /// <summary>The S3 store, or null when S3 is not asked for.</summary>
    protected S3SnapshotStore? OpenS3(ClusterConfig config)
    {
        var options = S3Options.Merge(
            config.Etcd.Backup.S3,
            new S3Flags(S3, S3Endpoint, S3EndpointCa, AccessKey, SecretKey, BucketName, Region, Folder));
        return options is null ? null : new S3SnapshotStore(options);
    }
}
