using YamlDotNet.Serialization;

namespace ClusterCtl.Config.Yaml;

// The generator writes the object factory and type inspector for these classes at build time,
// so that reading cluster.yml needs no reflection and survives trimming and Native AOT.
// Every class of the document must be listed here; the lists and maps its properties hold come with it.
// Public only because the generator declares its half of the class public.
[YamlStaticContext]
[YamlSerializable(typeof(RkeClusterDocument))]
[YamlSerializable(typeof(RkeNode))]
[YamlSerializable(typeof(RkeBastionHost))]
[YamlSerializable(typeof(RkePrivateRegistry))]
[YamlSerializable(typeof(RkeServices))]
[YamlSerializable(typeof(RkeEtcdService))]
[YamlSerializable(typeof(RkeBackupConfig))]
[YamlSerializable(typeof(RkeS3BackupConfig))]
[YamlSerializable(typeof(RkeSystemImages))]
public sealed partial class RkeYamlContext : StaticContext
{
}
