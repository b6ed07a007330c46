using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Restore;

namespace ClusterCtl.Tests.Restore;

/// <summary>A kube-apiserver that still points at an etcd member cluster.yml no longer has is named, with the fix.</summary>
public class StaleEtcdServersTests
{
    private static readonly ClusterConfig Config = ClusterConfigLoader.Parse("""
        nodes:
        - {address: 10.213.1.11, user: root, role: [etcd, controlplane], hostname_override: node1}
        - {address: 10.213.1.14, user: root, role: [etcd], hostname_override: node4}
        system_images: {etcd: "local/etcd:v3.5.16", alpine: "local/busybox:1"}
        """, "cluster.yml");

    [Test]
    public void A_removed_member_in_etcd_servers_is_named_with_the_fix()
    {
        var apiserver = Apiserver("--etcd-servers=https://10.213.1.11:2379,https://10.213.1.12:2379", "--etcd-cafile=/etc/kubernetes/ssl/kube-ca.pem");

        var stale = StaleEtcdServers.Find(Config, "10.213.1.11", apiserver);

        Assert.That(stale, Is.Not.Null);
        Assert.That(stale!.StaleServers, Is.EqualTo(new[] { "https://10.213.1.12:2379" }));
        Assert.That(stale.Message, Does.Contain("kube-apiserver on 10.213.1.11").And.Contain("reconfigure the control plane")
            .And.Contain("https://10.213.1.11:2379,https://10.213.1.14:2379"));
    }

    [Test]
    public void An_apiserver_that_names_only_current_members_is_not_reported()
    {
        Assert.That(StaleEtcdServers.Find(Config, "10.213.1.11", Apiserver("--etcd-servers=https://10.213.1.11:2379,https://10.213.1.14:2379")), Is.Null);
    }

    [Test]
    public void An_apiserver_without_etcd_servers_is_not_reported()
    {
        Assert.That(StaleEtcdServers.Find(Config, "10.213.1.11", Apiserver("--secure-port=6443")), Is.Null);
    }

    private static ContainerDetails Apiserver(params string[] args) => new() { Id = "abc", Name = "/kube-apiserver", Args = args };
}
