using ClusterCtl.Docker;

namespace ClusterCtl.Tests.Docker;

public class ContainerNamesTests
{
    [Test]
    public void Only_the_exact_name_matches_not_a_substring()
    {
        var etcd = Summary("/etcd");
        var rolling = Summary("/etcd-rolling-snapshots");
        var kubeEtcd = Summary("/kube-etcd");

        Assert.That(ContainerNames.HasExactName(etcd, "etcd"), Is.True);
        Assert.That(ContainerNames.HasExactName(rolling, "etcd"), Is.False);
        Assert.That(ContainerNames.HasExactName(kubeEtcd, "etcd"), Is.False);
        Assert.That(ContainerNames.HasExactName(etcd, "etc"), Is.False);
    }

    [Test]
    public void A_link_alias_is_not_the_container_name()
    {
        var linked = Summary("/kube-apiserver/etcd", "/kube-apiserver");

        Assert.That(ContainerNames.HasExactName(linked, "etcd"), Is.False);
        Assert.That(linked.Name, Is.EqualTo("kube-apiserver"));
    }

    [TestCase("etcd", "^/etcd$")]
    [TestCase("kube-etcd.x", @"^/kube-etcd\.x$")]
    [TestCase("a_b-c.d", @"^/a_b-c\.d$")]
    public void The_name_filter_is_anchored_and_escaped(string name, string filter)
    {
        Assert.That(ContainerNames.ExactNameFilter(name), Is.EqualTo(filter));
    }

    [TestCase("etcd", true)]
    [TestCase("etcd-snapshot-once-1a2b3c4d", true)]
    [TestCase("k8s_POD_x.y", true)]
    [TestCase("-leading-dash", false)]
    [TestCase("has space", false)]
    [TestCase("slash/name", false)]
    [TestCase("", false)]
    public void Names_are_validated_like_docker_does(string name, bool valid)
    {
        Assert.That(ContainerNames.IsValid(name), Is.EqualTo(valid));
    }

    private static ContainerSummary Summary(params string[] names) => new() { Id = "0123456789abcdef", Names = names };
}
