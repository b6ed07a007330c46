namespace ClusterCtl.Config;

/// <summary><c>services.etcd</c>: what is needed to rebuild the etcd container the way RKE builds it.</summary>
internal sealed record EtcdService(
    string Image,
    IReadOnlyDictionary<string, string> ExtraArgs,
    IReadOnlyList<string> ExtraBinds,
    IReadOnlyList<string> ExtraEnv,
    BackupConfig Backup);
