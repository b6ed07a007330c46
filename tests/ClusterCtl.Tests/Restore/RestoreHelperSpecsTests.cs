using ClusterCtl.Config;
using ClusterCtl.Etcd;
using ClusterCtl.Restore;

namespace ClusterCtl.Tests.Restore;

/// <summary>The etcd-restore helper: the member's identity from the same flags the etcd container runs with.</summary>
public class RestoreHelperSpecsTests
{
    private const string Run = "20261121T102742-1a2b3c4d";

    private static readonly ClusterConfig Config = ClusterConfigLoader.Parse("""
        nodes:
        - {address: 10.213.1.11, user: root, role: [etcd], hostname_override: node1}
        - {address: 10.213.1.12, user: root, role: [etcd], hostname_override: node2}
        system_images: {etcd: "local/etcd:v3.5.16", alpine: "local/busybox:1"}
        """, "cluster.yml");

    [Test]
    public void Etcdutl_restores_into_the_scratch_dir_with_the_revision_bump()
    {
        var spec = RestoreHelperSpecs.SnapshotRestore(Config, EtcdContainerSpec.For(Config, Config.Nodes[1]), Run, RestoreTool.Etcdutl, bumpRevision: true);

        Assert.Multiple(() =>
        {
            Assert.That(spec.Purpose, Is.EqualTo("etcd-restore"));
            Assert.That(spec.Image, Is.EqualTo("local/etcd:v3.5.16"));
            Assert.That(spec.Entrypoint, Is.EqualTo(new[] { "etcdutl" }));
            Assert.That(spec.Cmd, Is.EqualTo(new[]
            {
                "snapshot", "restore", $"/var/lib/rancher/etcd/restore-{Run}/snapshot.db",
                "--data-dir", $"/var/lib/rancher/etcd/restore-{Run}/data",
                "--name", "etcd-node2",
                "--initial-cluster", "etcd-node1=https://10.213.1.11:2380,etcd-node2=https://10.213.1.12:2380",
                "--initial-cluster-token", "etcd-cluster-1",
                "--initial-advertise-peer-urls", "https://10.213.1.12:2380",
                "--bump-revision", "1000000000", "--mark-compacted",
            }));
            Assert.That(spec.Binds, Is.EqualTo(new[] { "/var/lib/etcd:/var/lib/rancher/etcd" }));
            Assert.That(spec.NetworkMode, Is.Null, "a restore needs no network");
        });
    }

    [Test]
    public void Etcdctl_restores_the_same_without_the_flags_it_does_not_have()
    {
        var spec = RestoreHelperSpecs.SnapshotRestore(Config, EtcdContainerSpec.For(Config, Config.Nodes[0]), Run, RestoreTool.Etcdctl, bumpRevision: true);

        Assert.That(spec.Entrypoint, Is.EqualTo(new[] { "etcdctl" }));
        Assert.That(spec.Cmd, Does.Not.Contain("--bump-revision").And.Not.Contain("--mark-compacted").And.Contain("etcd-node1"));
        Assert.That(spec.Env, Does.Contain("ETCDCTL_API=3"));
    }

    [Test]
    public void The_pre_restore_directory_is_named_after_the_UTC_time_without_colons()
    {
        var name = RestoreLayout.PreRestoreDirectoryName(new DateTimeOffset(2026, 11, 21, 11, 27, 42, TimeSpan.FromHours(1)));

        Assert.That(name, Is.EqualTo("pre-restore-2026-11-21T10-27-42Z"));
    }

    [TestCase("kube-apiserver", false)]
    [TestCase("k8s_kube-flannel_kube-flannel-ds-7f55b_kube-system_7af550b4_0", true)]
    [TestCase("k8s_calico-node_calico-node-cbc44_kube-system_cabc4104_0", true)]
    [TestCase("k8s_POD_kube-flannel-ds-7f55b_kube-system_7af550b4_0", false)]
    [TestCase("k8s_POD_calico-node-cbc44_kube-system_cabc4104_0", false)]
    [TestCase("k8s_calico-kube-controllers_calico-kube-controllers-x_kube-system_1_0", true)]
    public void Flannel_and_calico_containers_are_restarted_but_never_their_pause_containers(string name, bool restarted) =>
        Assert.That(KubeComponents.IsNetworkPlugin(name), Is.EqualTo(restarted));
}
