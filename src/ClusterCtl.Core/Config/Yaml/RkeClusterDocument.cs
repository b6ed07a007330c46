using YamlDotNet.Serialization;

namespace ClusterCtl.Config.Yaml;

// The subset of RKE's cluster.yml schema that the etcd plane needs, with RKE's key names.
// Every other key is ignored by the deserializer, so any real RKE cluster.yml loads.
// Scalars that RKE declares as strings (port) stay strings here and are validated later,
// so that "port: abc" becomes a precise error rather than a type-conversion failure.

internal sealed class RkeClusterDocument
{
    public string? ClusterName { get; set; }
    public List<RkeNode?>? Nodes { get; set; }
    public string? SshKeyPath { get; set; }
    public string? SshCertPath { get; set; }
    public bool? SshAgentAuth { get; set; }
    public string? PrefixPath { get; set; }
    public RkeBastionHost? BastionHost { get; set; }
    public List<RkePrivateRegistry?>? PrivateRegistries { get; set; }
    public RkeServices? Services { get; set; }
    public RkeSystemImages? SystemImages { get; set; }
}

internal sealed class RkeNode
{
    public string? Address { get; set; }
    public string? Port { get; set; }
    public string? InternalAddress { get; set; }
    public List<string?>? Role { get; set; }
    public string? HostnameOverride { get; set; }
    public string? User { get; set; }
    public string? DockerSocket { get; set; }
    public string? SshKey { get; set; }
    public string? SshKeyPath { get; set; }
    public string? SshCert { get; set; }
    public string? SshCertPath { get; set; }
}

internal sealed class RkeBastionHost
{
    public string? Address { get; set; }
    public string? Port { get; set; }
    public string? User { get; set; }
    public string? SshKey { get; set; }
    public string? SshKeyPath { get; set; }
    public string? SshCert { get; set; }
    public string? SshCertPath { get; set; }
}

internal sealed class RkePrivateRegistry
{
    public string? Url { get; set; }
    public string? User { get; set; }
    public string? Password { get; set; }
    public bool? IsDefault { get; set; }
}

internal sealed class RkeServices
{
    public RkeEtcdService? Etcd { get; set; }
}

internal sealed class RkeEtcdService
{
    public string? Image { get; set; }
    public Dictionary<string, string?>? ExtraArgs { get; set; }
    public List<string?>? ExtraBinds { get; set; }
    public List<string?>? ExtraEnv { get; set; }
    public bool? Snapshot { get; set; }
    public string? Creation { get; set; }
    public string? Retention { get; set; }
    public RkeBackupConfig? BackupConfig { get; set; }
}

internal sealed class RkeBackupConfig
{
    public bool? Enabled { get; set; }
    public int? IntervalHours { get; set; }
    public int? Retention { get; set; }
    public int? Timeout { get; set; }
    public bool? SafeTimestamp { get; set; }

    /// <summary>clusterctl's own key (RKE ignores it): a restore drill after every scheduled snapshot.</summary>
    public bool? Verify { get; set; }

    [YamlMember(Alias = "s3backupconfig")]
    public RkeS3BackupConfig? S3BackupConfig { get; set; }
}

internal sealed class RkeS3BackupConfig
{
    public string? AccessKey { get; set; }
    public string? SecretKey { get; set; }
    public string? BucketName { get; set; }
    public string? Region { get; set; }
    public string? Endpoint { get; set; }
    public string? CustomCa { get; set; }
    public string? Folder { get; set; }
}

internal sealed class RkeSystemImages
{
    public string? Etcd { get; set; }
    public string? Alpine { get; set; }
    public string? CertDownloader { get; set; }
}
