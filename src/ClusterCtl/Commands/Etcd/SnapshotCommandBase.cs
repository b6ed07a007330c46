using ClusterCtl.Config;
using ClusterCtl.Storage;
using McMaster.Extensions.CommandLineUtils;

namespace ClusterCtl.Cli.Commands.Etcd;

/// <summary>A snapshot command: RKE's S3 flags, which override cluster.yml's backup_config.s3backupconfig.</summary>
internal abstract class SnapshotCommandBase(string name, string description) : ClusterCommandBase(name, description)
{
    private CommandOption _s3 = null!;
    private CommandOption _s3Endpoint = null!;
    private CommandOption _s3EndpointCa = null!;
    private CommandOption _accessKey = null!;
    private CommandOption _secretKey = null!;
    private CommandOption _bucketName = null!;
    private CommandOption _region = null!;
    private CommandOption _folder = null!;

    protected override void DeclareOptions(CommandLineApplication command)
    {
        _s3 = command.Option("--s3", "Use S3 (also on when cluster.yml has backup_config.s3backupconfig).", CommandOptionType.NoValue);
        _s3Endpoint = command.Option("--s3-endpoint <URL>", "S3 endpoint: a host name, or an http(s):// URL for MinIO and other stores.", CommandOptionType.SingleValue);
        _s3EndpointCa = command.Option("--s3-endpoint-ca <FILE>", "PEM file of the CA that signed the endpoint's certificate.", CommandOptionType.SingleValue);
        _accessKey = command.Option("--access-key <KEY>", "S3 access key (default: cluster.yml, else the AWS credential chain).", CommandOptionType.SingleValue);
        _secretKey = command.Option("--secret-key <KEY>", "S3 secret key. Prefer AWS_SECRET_ACCESS_KEY: a flag is visible to other users in ps.", CommandOptionType.SingleValue);
        _bucketName = command.Option("--bucket-name <NAME>", "S3 bucket.", CommandOptionType.SingleValue);
        _region = command.Option("--region <REGION>", "S3 region (default us-east-1).", CommandOptionType.SingleValue);
        _folder = command.Option("--folder <FOLDER>", "Folder (key prefix) in the bucket.", CommandOptionType.SingleValue);
        base.DeclareOptions(command);
    }

    /// <summary>The S3 store, or null when S3 is not asked for.</summary>
    protected S3SnapshotStore? OpenS3(ClusterConfig config)
    {
        var options = S3Options.Merge(
            config.Etcd.Backup.S3,
            new S3Flags(_s3.HasValue(), _s3Endpoint.Value(), _s3EndpointCa.Value(), _accessKey.Value(), _secretKey.Value(), _bucketName.Value(), _region.Value(), _folder.Value()));
        return options is null ? null : new S3SnapshotStore(options);
    }
}
