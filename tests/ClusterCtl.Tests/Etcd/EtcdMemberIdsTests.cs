using ClusterCtl.Etcd;

namespace ClusterCtl.Tests.Etcd;

/// <summary>The member ids etcd derives at bootstrap and at snapshot restore, checked against what the testbed's etcd 3.5 reported.</summary>
public class EtcdMemberIdsTests
{
    [Test]
    public void The_ids_are_the_ones_the_testbeds_etcd_reports_for_its_members()
    {
        // etcdctl member list -w json on testbed instance 1 (10.213.1.0/24), token etcd-cluster-1.
        var ids = EtcdMemberIds.Of(
            "etcd-node1=https://10.213.1.11:2380,etcd-node2=https://10.213.1.12:2380,etcd-node3=https://10.213.1.13:2380", "etcd-cluster-1");

        Assert.That(ids, Is.EquivalentTo(new Dictionary<string, ulong>
        {
            ["etcd-node1"] = 0xe0595f6cc380e3ff,
            ["etcd-node2"] = 0xd804f37efa60f446,
            ["etcd-node3"] = 0x559b7692d3298b1b,
        }));
    }

    [Test]
    public void Another_token_gives_other_ids()
    {
        Assert.That(EtcdMemberIds.Compute(["https://10.213.1.11:2380"], "etcd-cluster-2"), Is.Not.EqualTo(0xe0595f6cc380e3ffUL));
    }

    [Test]
    public void A_member_with_two_peer_urls_is_one_member_whatever_their_order()
    {
        var ids = EtcdMemberIds.Of("a=https://10.0.0.2:2380,a=https://10.0.0.1:2380", "t");

        Assert.That(ids.Keys, Is.EqualTo(new[] { "a" }));
        Assert.That(ids["a"], Is.EqualTo(EtcdMemberIds.Compute(["https://10.0.0.1:2380", "https://10.0.0.2:2380"], "t")));
    }
}
