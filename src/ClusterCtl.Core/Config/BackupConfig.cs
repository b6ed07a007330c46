namespace ClusterCtl.Config;

/// <summary><c>services.etcd.backup_config</c> merged with the legacy <c>snapshot</c>/<c>creation</c>/<c>retention</c> keys.</summary>
/// <param name="Verify">clusterctl's own <c>backup_config.verify</c>: every scheduled snapshot gets a restore drill after its save.</param>
internal sealed record BackupConfig(bool Enabled, TimeSpan Interval, int Retention, TimeSpan Timeout, S3Settings? S3, bool Verify = false)
{
    // RKE's defaults: a snapshot every 12 hours, keep 6, wait up to 300 s.
    public static readonly BackupConfig Default = new(false, TimeSpan.FromHours(12), 6, TimeSpan.FromSeconds(300), null);
}
