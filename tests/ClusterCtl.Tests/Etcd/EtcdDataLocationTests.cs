using ClusterCtl.Config;
using ClusterCtl.Etcd;
using ClusterCtl.Restore;

namespace ClusterCtl.Tests.Etcd;

/// <summary>The host directory a restore works in is the one etcd's --data-dir really is, followed through the container's binds.</summary>
public class EtcdDataLocationTests
{
    private const string Nodes = """
        nodes:
        - {address: 10.213.1.11, user: root, role: [etcd], hostname_override: node1}
        - {address: 10.213.1.12, user: root, role: [etcd], hostname_override: node2}
        system_images: {etcd: "local/etcd:v3.5.16", alpine: "local/busybox:1"}
        """;

    private static ClusterConfig Config(string etcd = "", string extra = "") =>
        ClusterConfigLoader.Parse(Nodes + "\n" + extra + (etcd.Length == 0 ? "" : "\nservices:\n  etcd:\n" + etcd), "cluster.yml");

    [Test]
    public void RKEs_default_layout_is_var_lib_etcd()
    {
        Assert.That(EtcdDataLocation.HostDataDirectory(Config()), Is.EqualTo("/var/lib/etcd"));
    }

    [Test]
    public void The_default_layout_follows_prefix_path()
    {
        Assert.That(EtcdDataLocation.HostDataDirectory(Config(extra: "prefix_path: /opt/rke-root")), Is.EqualTo("/opt/rke-root/var/lib/etcd"));
    }

    [Test]
    public void A_data_dir_below_the_default_bind_is_below_var_lib_etcd()
    {
        var config = Config("    extra_args: {data-dir: /var/lib/rancher/etcd/custom/}");

        Assert.That(EtcdDataLocation.HostDataDirectory(config), Is.EqualTo("/var/lib/etcd/custom"));
    }

    [Test]
    public void A_data_dir_in_an_extra_bind_is_that_binds_host_directory()
    {
        var config = Config("    extra_args: {data-dir: /etcd-data/cluster}\n    extra_binds: [\"/mnt/disk1:/etcd-data\"]");

        Assert.That(EtcdDataLocation.HostDataDirectory(config), Is.EqualTo("/mnt/disk1/cluster"));
    }

    [Test]
    public void Of_two_binds_that_hold_the_data_dir_the_deeper_one_wins()
    {
        var config = Config("    extra_args: {data-dir: /var/lib/rancher/etcd/fast/data}\n    extra_binds: [\"/mnt/nvme:/var/lib/rancher/etcd/fast\"]");

        Assert.That(EtcdDataLocation.HostDataDirectory(config), Is.EqualTo("/mnt/nvme/data"));
    }

    [Test]
    public void The_helpers_bind_the_directory_etcd_really_uses()
    {
        var config = Config("    extra_args: {data-dir: /etcd-data}\n    extra_binds: [\"/var/lib/etcd/custom:/etcd-data\"]");

        Assert.That(RestoreLayout.DataDirectoryBind(config), Is.EqualTo("/var/lib/etcd/custom:/var/lib/rancher/etcd"));
        Assert.That(RestoreLayout.ScratchDirectory(config, "run1"), Is.EqualTo("/var/lib/etcd/custom/restore-run1"));
        Assert.That(RestoreHelperSpecs.DataShell(config, "restore-swap", "true").Binds, Does.Contain("/var/lib/etcd/custom:/var/lib/rancher/etcd"));
    }

    [Test]
    public void A_data_dir_in_no_bind_is_refused_with_exit_2_naming_the_key()
    {
        var config = Config("    extra_args: {data-dir: /data/etcd}");

        var e = Assert.Throws<ClusterCtlException>(() => EtcdDataLocation.HostDataDirectory(config))!;
        Assert.That(e.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(e.Message, Does.Contain("services.etcd.extra_args.data-dir").And.Contain("/data/etcd").And.Contain("extra_binds"));
    }

    [Test]
    public void A_relative_data_dir_is_refused_with_exit_2_naming_the_key()
    {
        var e = Assert.Throws<ClusterCtlException>(() => EtcdDataLocation.HostDataDirectory(Config("    extra_args: {data-dir: etcd-data}")))!;

        Assert.That(e.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(e.Message, Does.Contain("services.etcd.extra_args.data-dir"));
    }

    [Test]
    public void A_wal_dir_is_refused_for_a_restore_with_exit_2_naming_the_key()
    {
        var config = Config("    extra_args: {wal-dir: /var/lib/rancher/etcd/wal}");

        var e = Assert.Throws<ClusterCtlException>(() => EtcdDataLocation.RequireRestorable(config))!;
        Assert.That(e.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(e.Message, Does.Contain("services.etcd.extra_args.wal-dir").And.Contain("nothing was changed"));
        Assert.That(EtcdDataLocation.HostDataDirectory(config), Is.EqualTo("/var/lib/etcd"), "cleanup still knows where the data is");
    }

    [Test]
    public void A_data_dir_that_can_be_followed_is_restorable()
    {
        Assert.DoesNotThrow(() => EtcdDataLocation.RequireRestorable(Config("    extra_args: {data-dir: /var/lib/rancher/etcd/custom}")));
    }
}
