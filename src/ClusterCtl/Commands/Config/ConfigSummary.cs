using ClusterCtl.Config;
using ClusterCtl.Etcd;

namespace ClusterCtl.Cli.Commands.Config;

/// <summary>
/// What clusterctl takes from a cluster.yml, as <c>config check</c> prints it. Secrets appear only as whether they are
/// set: S3 keys, registry passwords and inline SSH keys never leave the file.
/// </summary>
internal sealed record ConfigSummary(
    string File,
    string ClusterName,
    IReadOnlyList<ConfigSummary.Node> EtcdNodes,
    int OtherNodes,
    string EtcdImage,
    string HelperImage,
    string SnapshotDirectory,
    string EtcdDataDirectory,
    string? RestoreRefusal,
    ConfigSummary.Backup BackupConfig,
    ConfigSummary.S3Target? S3,
    string? Bastion,
    IReadOnlyList<string> PrivateRegistries)
{
    public sealed record Node(string Address, string InternalAddress, string MemberName, string User, int Port, string Roles, string SshKey);

    public sealed record Backup(bool Enabled, string Interval, int Retention, string Timeout, bool Verify);

    public sealed record S3Target(string? Endpoint, string Bucket, string? Folder, string? Region, bool AccessKeySet, bool SecretKeySet, bool CustomCa);

    public static ConfigSummary Of(ClusterConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        string? refusal = null;
        try
        {
            EtcdDataLocation.RequireRestorable(config);
        }
        catch (ClusterCtlException e)
        {
            // A layout that snapshot-save can work with but a restore cannot: worth knowing before the day it is needed.
            refusal = e.Message;
        }

        var backup = config.Etcd.Backup;
        return new ConfigSummary(
            config.SourcePath,
            config.ClusterName,
            [.. config.EtcdNodes.Select(n => new Node(n.Address, n.InternalAddress, n.EtcdMemberName, n.User, n.Port, n.Roles.ToString().ToLowerInvariant(), KeySource(n.Credentials)))],
            config.Nodes.Count(n => !n.IsEtcd),
            config.Images.Etcd,
            config.Images.Alpine,
            config.SnapshotDirectory,
            refusal is null ? EtcdDataLocation.HostDataDirectory(config) : config.EtcdDataDirectory,
            refusal,
            new Backup(backup.Enabled, GoDuration.Format(backup.Interval), backup.Retention, GoDuration.Format(backup.Timeout), backup.Verify),
            backup.S3 is { } s3 ? new S3Target(s3.Endpoint, s3.BucketName, s3.Folder, s3.Region, s3.AccessKey is not null, s3.SecretKey is not null, s3.CustomCaPem is not null) : null,
            config.Bastion is { } bastion ? $"{bastion.User}@{bastion.Address}:{bastion.Port}" : null,
            [.. config.PrivateRegistries.Select(r => r.User is null ? r.Url : $"{r.Url} (user {r.User})")]);
    }

    private static string KeySource(SshCredentials credentials) =>
        credentials.InlineKey is not null ? "inline ssh_key" : credentials.KeyPath ?? "ssh defaults (agent, ~/.ssh)";
}
