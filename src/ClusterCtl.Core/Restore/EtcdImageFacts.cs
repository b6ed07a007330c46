using ClusterCtl.Docker;

namespace ClusterCtl.Restore;

/// <summary>What <see cref="EtcdImageProbe"/> learnt about one etcd image.</summary>
/// <param name="Version">How <c>etcd --version</c> ended, for the version and for the message when it says none.</param>
/// <param name="HasEtcdutl">The image has a working etcdutl (etcd 3.5 and later).</param>
/// <param name="CanBumpRevision">That etcdutl restores with --bump-revision and --mark-compacted.</param>
internal sealed record EtcdImageFacts(HelperResult Version, bool HasEtcdutl, bool CanBumpRevision);
