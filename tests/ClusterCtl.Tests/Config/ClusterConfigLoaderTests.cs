using ClusterCtl.Config;
using ClusterCtl.Testing;

namespace ClusterCtl.Tests.Config;

public class ClusterConfigLoaderTests
{
    private static string TestData(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "TestData", name);

    [Test]
    public void A_real_world_RKE_cluster_yml_with_many_unrelated_keys_loads()
    {
        var config = ClusterConfigLoader.Load(TestData("rke-real-world.yml"));

        Assert.Multiple(() =>
        {
            Assert.That(config.ClusterName, Is.EqualTo("prod-eu"));
            Assert.That(config.Nodes, Has.Count.EqualTo(4));
            Assert.That(config.EtcdNodes.Select(n => n.Address), Is.EqualTo(new[] { "172.31.10.5", "172.31.10.6", "172.31.10.7" }));
            Assert.That(config.Etcd.Image, Is.EqualTo("rancher/mirrored-coreos-etcd:v3.5.9"), "an empty services.etcd.image falls back to system_images.etcd");
            Assert.That(config.Etcd.ExtraArgs["election-timeout"], Is.EqualTo("5000"));
            Assert.That(config.Etcd.Backup.Retention, Is.EqualTo(6));
            Assert.That(config.Etcd.Backup.Interval, Is.EqualTo(TimeSpan.FromHours(12)));
            Assert.That(config.Bastion, Is.Null, "an all-empty bastion_host means no bastion");
            Assert.That(config.PrivateRegistries.Single().User, Is.EqualTo("puller"));
            Assert.That(config.PrefixPath, Is.EqualTo("/"));
        });
    }

    [Test]
    public void RKE_defaults_fill_in_what_a_node_leaves_out()
    {
        var config = ClusterConfigLoader.Parse("nodes:\n- address: 10.0.0.1\n  user: rke\n  role: [etcd]\n", "cluster.yml");
        var node = config.Nodes.Single();

        Assert.Multiple(() =>
        {
            Assert.That(node.Port, Is.EqualTo(22));
            Assert.That(node.InternalAddress, Is.EqualTo("10.0.0.1"));
            Assert.That(node.HostnameOverride, Is.EqualTo("10.0.0.1"));
            Assert.That(node.DockerSocket, Is.EqualTo("/var/run/docker.sock"));
            Assert.That(node.EtcdMemberName, Is.EqualTo("etcd-10.0.0.1"));
            Assert.That(node.EtcdCertificateBaseName, Is.EqualTo("kube-etcd-10-0-0-1"));
            Assert.That(config.ClusterName, Is.EqualTo("rke"));
            Assert.That(config.Images.Etcd, Is.EqualTo(SystemImages.DefaultEtcd));
            Assert.That(config.Etcd.Backup, Is.EqualTo(BackupConfig.Default));
        });
    }

    [Test]
    public void The_shipped_sample_config_loads()
    {
        var config = ClusterConfigLoader.Load(TestData("cluster.yml.sample"));

        Assert.That(config.EtcdNodes.Count(), Is.EqualTo(3));
        Assert.That(config.Etcd.Backup.S3?.BucketName, Is.EqualTo("etcd-backups"));
    }

    [Test]
    public void Prefix_path_moves_the_host_directories()
    {
        var config = ClusterConfigLoader.Parse("prefix_path: /opt/custom\nnodes:\n- {address: a, user: u, role: [etcd]}\n", "cluster.yml");

        Assert.That(config.SnapshotDirectory, Is.EqualTo("/opt/custom/opt/rke/etcd-snapshots"));
        Assert.That(config.EtcdDataDirectory, Is.EqualTo("/opt/custom/var/lib/etcd"));
    }

    [Test]
    public void Backup_config_verify_asks_for_a_drill_after_every_scheduled_snapshot_and_is_off_by_default()
    {
        var on = ClusterConfigLoader.Parse("nodes:\n- {address: a, user: u, role: [etcd]}\nservices:\n  etcd:\n    backup_config:\n      verify: true\n", "cluster.yml");
        var off = ClusterConfigLoader.Parse("nodes:\n- {address: a, user: u, role: [etcd]}\nservices:\n  etcd:\n    backup_config:\n      retention: 3\n", "cluster.yml");

        Assert.That(on.Etcd.Backup.Verify, Is.True);
        Assert.That(off.Etcd.Backup.Verify, Is.False);
    }

    [Test]
    public void Legacy_creation_and_retention_durations_become_an_interval_and_a_count()
    {
        var config = ClusterConfigLoader.Parse(
            "nodes:\n- {address: a, user: u, role: [etcd]}\nservices:\n  etcd:\n    snapshot: true\n    creation: 6h\n    retention: 24h\n", "cluster.yml");

        Assert.That(config.Etcd.Backup.Interval, Is.EqualTo(TimeSpan.FromHours(6)));
        Assert.That(config.Etcd.Backup.Retention, Is.EqualTo(4));
        Assert.That(config.Etcd.Backup.Enabled, Is.True);
    }

    [Test]
    public void Secrets_do_not_appear_when_the_config_is_printed()
    {
        var config = ClusterConfigLoader.Load(TestData("rke-real-world.yml"));

        Assert.That(config.ToString(), Does.Not.Contain("s3cr3t-registry-password"));
    }

    public static IEnumerable<TestCaseData> InvalidConfigs => InvalidConfigCases.All.Select(c =>
        new TestCaseData(c.Yaml, c.ExpectedLine, c.ExpectedText).SetName("Invalid config is refused: " + c.Name));

    [TestCaseSource(nameof(InvalidConfigs))]
    public void Invalid_config_is_refused_with_its_position(string yaml, int? expectedLine, string expectedText)
    {
        var e = Assert.Throws<ConfigException>(() => ClusterConfigLoader.Parse(yaml, "cluster.yml"))!;

        Assert.Multiple(() =>
        {
            Assert.That(e.Message, Does.Contain(expectedText));
            Assert.That(e.Message, Does.StartWith("cluster.yml"));
            Assert.That(e.Message, Does.Not.Contain('\n'));
            Assert.That(e.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
            if (expectedLine is { } line)
            {
                Assert.That(e.Line, Is.EqualTo(line), e.Message);
                Assert.That(e.Column, Is.GreaterThan(0));
            }
        });
    }
}
