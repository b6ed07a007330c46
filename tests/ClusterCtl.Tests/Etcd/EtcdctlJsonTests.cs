using ClusterCtl.Etcd;

namespace ClusterCtl.Tests.Etcd;

public class EtcdctlJsonTests
{
    // Captured from etcdctl 3.5 against a 3-node cluster; ids exceed long.MaxValue on purpose.
    private const string StatusJson = """
        [{"Endpoint":"https://10.213.0.11:2379","Status":{"header":{"cluster_id":17237436991929493444,"member_id":9372538179322589801,"revision":12,"raft_term":3},"version":"3.5.16","dbSize":20480,"leader":9372538179322589801,"raftIndex":31,"raftTerm":3,"raftAppliedIndex":31,"dbSizeInUse":16384}}]
        """;

    [Test]
    public void Endpoint_status_gives_ids_revision_version_and_leadership()
    {
        var status = EtcdctlJson.ParseEndpointStatus("testbed", StatusJson).Single();

        Assert.Multiple(() =>
        {
            Assert.That(status.Endpoint, Is.EqualTo("https://10.213.0.11:2379"));
            Assert.That(status.MemberId, Is.EqualTo(9372538179322589801UL));
            Assert.That(status.Revision, Is.EqualTo(12));
            Assert.That(status.Version, Is.EqualTo("3.5.16"));
            Assert.That(status.DbSizeBytes, Is.EqualTo(20480));
            Assert.That(status.IsLeader, Is.True);
            Assert.That(EtcdEndpointStatus.FormatId(status.MemberId), Is.EqualTo("8211f1d0f64f3269"));
        });
    }

    [Test]
    public void A_follower_is_not_the_leader()
    {
        var status = EtcdctlJson.ParseEndpointStatus("testbed", StatusJson.Replace("\"leader\":9372538179322589801", "\"leader\":1", StringComparison.Ordinal)).Single();

        Assert.That(status.IsLeader, Is.False);
    }

    [Test]
    public void Endpoint_health_reports_unhealthy_members_with_their_error()
    {
        var health = EtcdctlJson.ParseEndpointHealth("testbed", """
            [{"endpoint":"https://10.213.0.11:2379","health":true,"took":"9.6ms"},
             {"endpoint":"https://10.213.0.12:2379","health":false,"took":"5s","error":"context deadline exceeded"}]
            """);

        Assert.That(health[0].Healthy, Is.True);
        Assert.That(health[1].Healthy, Is.False);
        Assert.That(health[1].Error, Is.EqualTo("context deadline exceeded"));
    }

    [Test]
    public void Member_list_gives_names_and_urls()
    {
        var members = EtcdctlJson.ParseMemberList("testbed", """
            {"header":{"cluster_id":1,"member_id":2,"raft_term":3},"members":[
              {"ID":9372538179322589801,"name":"etcd-node1","peerURLs":["https://10.213.0.11:2380"],"clientURLs":["https://10.213.0.11:2379"]},
              {"ID":2,"name":"etcd-node2","peerURLs":["https://10.213.0.12:2380"],"clientURLs":["https://10.213.0.12:2379"],"isLearner":true}]}
            """);

        Assert.That(members.Select(m => m.Name), Is.EqualTo(new[] { "etcd-node1", "etcd-node2" }));
        Assert.That(members[0].Id, Is.EqualTo(9372538179322589801UL));
        Assert.That(members[1].IsLearner, Is.True);
    }

    [Test]
    public void Snapshot_status_gives_the_revision_inside_the_file()
    {
        var (revision, keys, size) = EtcdctlJson.ParseSnapshotStatus("testbed", """{"hash":3024486582,"revision":1000000042,"totalKey":17,"totalSize":20480}""");

        Assert.That(revision, Is.EqualTo(1000000042));
        Assert.That(keys, Is.EqualTo(17));
        Assert.That(size, Is.EqualTo(20480));
    }

    [Test]
    public void Output_that_is_not_JSON_is_an_error_that_names_the_node()
    {
        var e = Assert.Throws<EtcdctlAnswerException>(() => EtcdctlJson.ParseEndpointStatus("10.213.0.12", "Error: context deadline exceeded"));

        Assert.That(e!.Message, Does.StartWith("10.213.0.12: etcdctl endpoint status printed an answer clusterctl cannot read"));
        Assert.That(e.Message, Does.Contain("Error: context deadline exceeded"));
    }

    // JSON of another shape than etcdctl's: each used to escape as an InvalidOperationException, KeyNotFoundException
    // or FormatException, which the command line reports as an unexpected error.
    [TestCase("endpoint status", """{"Endpoint":"x"}""")]
    [TestCase("endpoint status", """[{"Endpoint":"x"}]""")]
    [TestCase("endpoint status", """[{"Endpoint":7,"Status":{"header":{}}}]""")]
    [TestCase("endpoint status", """[{"Endpoint":"x","Status":{"header":{"revision":-1}}}]""")]
    [TestCase("endpoint status", """[{"Endpoint":"x","Status":{"header":{"revision":1.5}}}]""")]
    [TestCase("endpoint status", """[{"Endpoint":"x","Status":{"header":{"revision":18446744073709551615}}}]""")]
    [TestCase("endpoint health", """{"endpoint":"x"}""")]
    [TestCase("endpoint health", """[{"health":true}]""")]
    [TestCase("member list", """{"members":{"ID":1}}""")]
    [TestCase("member list", """{"members":[{"ID":"1"},{"ID":2,"peerURLs":[3]}]}""")]
    [TestCase("snapshot status", """[1,2]""")]
    [TestCase("snapshot status", """{"revision":"12"}""")]
    public void A_malformed_answer_is_an_error_that_names_the_node(string what, string json)
    {
        TestDelegate parse = what switch
        {
            "endpoint status" => () => EtcdctlJson.ParseEndpointStatus("10.213.0.13", json),
            "endpoint health" => () => EtcdctlJson.ParseEndpointHealth("10.213.0.13", json),
            "member list" => () => EtcdctlJson.ParseMemberList("10.213.0.13", json),
            _ => () => EtcdctlJson.ParseSnapshotStatus("10.213.0.13", json),
        };

        var e = Assert.Throws<EtcdctlAnswerException>(parse);

        Assert.That(e!.Message, Does.StartWith($"10.213.0.13: etcdctl {what} printed an answer clusterctl cannot read"));
        Assert.That(e, Is.InstanceOf<ClusterCtlException>());
    }
}
