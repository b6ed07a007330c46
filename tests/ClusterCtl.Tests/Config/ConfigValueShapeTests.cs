using ClusterCtl.Config;

namespace ClusterCtl.Tests.Config;

/// <summary>
/// Values of the wrong shape. The static deserializer stores values unconverted, so these errors come from
/// the conversion step the loader adds; each must point at the value, not at its key, and must not escape as a crash.
/// </summary>
public class ConfigValueShapeTests
{
    private const string Node = "nodes:\n- address: 10.0.0.1\n  user: rke\n  role: [etcd]\n";

    [TestCase("nodes:\n- address: 10.0.0.1\n  user: rke\n  role: etcd\n", 4, 9, "nodes[0].role: expected a list")]
    [TestCase(Node + "services:\n  etcd:\n    extra_binds: /a:/b\n", 7, 18, "services.etcd.extra_binds: expected a list")]
    [TestCase("nodes: [10.0.0.1]\n", 1, 9, "RkeNode")]
    [TestCase(Node + "services:\n  etcd:\n    image:\n      name: etcd\n", 8, 7, "Failed to create an instance of type 'System.String'")]
    [TestCase("just text\n", 1, 1, "RkeClusterDocument")]
    public void A_value_of_the_wrong_shape_is_refused_where_it_stands(string yaml, int line, int column, string expectedText)
    {
        var e = Assert.Throws<ConfigException>(() => ClusterConfigLoader.Parse(yaml, "cluster.yml"))!;

        Assert.Multiple(() =>
        {
            Assert.That(e.Line, Is.EqualTo(line), e.Message);
            Assert.That(e.Column, Is.EqualTo(column), e.Message);
            Assert.That(e.Message, Does.Contain(expectedText));
        });
    }

    [Test]
    public void A_value_tagged_as_text_where_a_number_belongs_is_converted()
    {
        var config = ClusterConfigLoader.Parse(Node + "services:\n  etcd:\n    backup_config:\n      interval_hours: !!str 6\n", "cluster.yml");

        Assert.That(config.Etcd.Backup.Interval, Is.EqualTo(TimeSpan.FromHours(6)));
    }
}
