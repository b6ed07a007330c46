using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Etcd;
using ClusterCtl.Tests.Docker;

namespace ClusterCtl.Tests.Etcd;

/// <summary>The etcd container as RKE builds it (docs/design.md, "The etcd container, as RKE builds it"), checked flag by flag and against a real testbed container.</summary>
public class EtcdContainerSpecTests
{
    private const string ThreeNodes = """
        nodes:
        - {address: 10.213.1.11, user: root, role: [controlplane, etcd, worker], hostname_override: node1}
        - {address: 10.213.1.12, user: root, role: [controlplane, etcd, worker], hostname_override: node2}
        - {address: 10.213.1.13, user: root, role: [controlplane, etcd, worker], hostname_override: node3}
        - {address: 10.213.1.14, user: root, role: [worker], hostname_override: node4}
        system_images:
          etcd: local/etcd:v3.5.16
          alpine: local/busybox:1
        """;

    private static ClusterConfig Config(string extra = "") => ClusterConfigLoader.Parse(ThreeNodes + "\n" + extra, "cluster.yml");

    private static ContainerDetails TestbedContainer() =>
        DockerAnswers.InspectAsync(
            File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "TestData", "testbed-etcd-inspect.json"))).GetAwaiter().GetResult();

    [Test]
    public void The_command_carries_every_flag_RKE_sets_in_RKEs_order()
    {
        var config = Config();
        var spec = EtcdContainerSpec.For(config, config.Nodes[0]);

        Assert.That(spec.Command, Is.EqualTo(new[]
        {
            "/usr/local/bin/etcd",
            "--peer-client-cert-auth",
            "--client-cert-auth",
            "--name=etcd-node1",
            "--data-dir=/var/lib/rancher/etcd/",
            "--advertise-client-urls=https://10.213.1.11:2379",
            "--listen-client-urls=https://0.0.0.0:2379",
            "--initial-advertise-peer-urls=https://10.213.1.11:2380",
            "--listen-peer-urls=https://0.0.0.0:2380",
            "--initial-cluster-token=etcd-cluster-1",
            "--initial-cluster=etcd-node1=https://10.213.1.11:2380,etcd-node2=https://10.213.1.12:2380,etcd-node3=https://10.213.1.13:2380",
            "--initial-cluster-state=new",
            "--trusted-ca-file=/etc/kubernetes/ssl/kube-ca.pem",
            "--peer-trusted-ca-file=/etc/kubernetes/ssl/kube-ca.pem",
            "--cert-file=/etc/kubernetes/ssl/kube-etcd-10-213-1-11.pem",
            "--key-file=/etc/kubernetes/ssl/kube-etcd-10-213-1-11-key.pem",
            "--peer-cert-file=/etc/kubernetes/ssl/kube-etcd-10-213-1-11.pem",
            "--peer-key-file=/etc/kubernetes/ssl/kube-etcd-10-213-1-11-key.pem",
            "--election-timeout=5000",
            "--heartbeat-interval=500",
        }));
    }

    [Test]
    public void The_create_body_has_name_host_network_restart_always_binds_env_and_RKEs_label()
    {
        var config = Config();
        var body = EtcdContainerSpec.For(config, config.Nodes[1]).ToContainerSpec();

        Assert.Multiple(() =>
        {
            Assert.That(EtcdContainerSpec.ContainerName, Is.EqualTo("etcd"));
            Assert.That(body.Image, Is.EqualTo("local/etcd:v3.5.16"));
            Assert.That(body.HostConfig!.NetworkMode, Is.EqualTo("host"));
            Assert.That(body.HostConfig.RestartPolicy!.Name, Is.EqualTo("always"));
            Assert.That(body.HostConfig.Binds, Is.EqualTo(new[] { "/var/lib/etcd:/var/lib/rancher/etcd/", "/etc/kubernetes:/etc/kubernetes" }));
            Assert.That(body.Entrypoint, Is.EqualTo(new[] { "/usr/local/bin/etcd" }));
            Assert.That(body.Cmd![0], Is.EqualTo("--peer-client-cert-auth"));
            Assert.That(body.Env, Is.EqualTo(new[]
            {
                "ETCDCTL_API=3",
                "ETCDCTL_CACERT=/etc/kubernetes/ssl/kube-ca.pem",
                "ETCDCTL_CERT=/etc/kubernetes/ssl/kube-etcd-10-213-1-12.pem",
                "ETCDCTL_KEY=/etc/kubernetes/ssl/kube-etcd-10-213-1-12-key.pem",
                "ETCDCTL_ENDPOINTS=https://127.0.0.1:2379",
            }));
            Assert.That(body.Labels, Does.ContainKey("io.rancher.rke.container.name").WithValue("etcd"));
        });
    }

    [Test]
    public void It_matches_the_container_the_testbed_built_the_way_RKE_does()
    {
        var config = Config();
        var spec = EtcdContainerSpec.For(config, config.Nodes[0]);

        Assert.That(spec.DifferencesFrom(TestbedContainer()), Is.Empty);
        Assert.That(spec.Matches(TestbedContainer()), Is.True);
    }

    [Test]
    public void Another_nodes_spec_does_not_match_that_container_and_says_why()
    {
        var config = Config();
        var differences = EtcdContainerSpec.For(config, config.Nodes[1]).DifferencesFrom(TestbedContainer());

        Assert.That(differences, Has.Some.Contains("--name=etcd-node2"));
    }

    [Test]
    public void Flags_in_another_order_still_match()
    {
        var config = Config();
        var container = TestbedContainer();
        var shuffled = container with { Args = container.Args!.Reverse().ToList() };

        Assert.That(EtcdContainerSpec.For(config, config.Nodes[0]).Matches(shuffled), Is.True);
    }

    [Test]
    public void A_different_image_does_not_match()
    {
        var config = Config();
        var container = TestbedContainer();
        var older = container with { Config = container.Config with { Image = "local/etcd:v3.4.23" } };

        Assert.That(EtcdContainerSpec.For(config, config.Nodes[0]).DifferencesFrom(older), Has.Some.Contains("image local/etcd:v3.4.23"));
    }

    [Test]
    public void A_missing_bind_does_not_match_but_a_trailing_slash_does()
    {
        var config = Config();
        var container = TestbedContainer();
        var lacking = container with { HostConfig = container.HostConfig with { Binds = ["/var/lib/etcd:/var/lib/rancher/etcd"] } };
        var slashed = container with { HostConfig = container.HostConfig with { Binds = ["/var/lib/etcd/:/var/lib/rancher/etcd", "/etc/kubernetes/:/etc/kubernetes"] } };
        var spec = EtcdContainerSpec.For(config, config.Nodes[0]);

        Assert.Multiple(() =>
        {
            Assert.That(spec.DifferencesFrom(lacking), Has.Some.Contains("binds differ"));
            Assert.That(spec.Matches(slashed), Is.True);
        });
    }

    [Test]
    public void Docker_Hub_spellings_of_one_image_match()
    {
        var plain = Config();
        var config = plain with { Etcd = plain.Etcd with { Image = "rancher/mirrored-coreos-etcd:v3.5.10" } };
        var container = TestbedContainer();
        var spelled = container with { Config = container.Config with { Image = "docker.io/rancher/mirrored-coreos-etcd:v3.5.10" } };

        Assert.That(EtcdContainerSpec.For(config, config.Nodes[0]).Matches(spelled), Is.True);
    }

    [Test]
    public void Extra_args_override_in_place_extend_at_the_end_and_an_empty_value_removes_the_flag()
    {
        var config = Config("""
            services:
              etcd:
                extra_args:
                  heartbeat-interval: "250"
                  --quota-backend-bytes: "8589934592"
                  election-timeout: ""
                  auto-compaction-retention: "1"
            """);
        var spec = EtcdContainerSpec.For(config, config.Nodes[0]);
        var command = spec.Command.ToList();

        Assert.Multiple(() =>
        {
            Assert.That(spec.Command, Does.Contain("--heartbeat-interval=250").And.Not.Contain("--heartbeat-interval=500"));
            Assert.That(spec.Command.Any(a => a.StartsWith("--election-timeout", StringComparison.Ordinal)), Is.False);
            Assert.That(spec.Command.TakeLast(2), Is.EqualTo(new[] { "--auto-compaction-retention=1", "--quota-backend-bytes=8589934592" }));
            Assert.That(command.IndexOf("--heartbeat-interval=250"), Is.LessThan(command.IndexOf("--auto-compaction-retention=1")));
        });
    }

    [Test]
    public void Extra_args_that_rename_the_member_are_what_the_restore_uses_too()
    {
        var config = Config("""
            services:
              etcd:
                extra_args:
                  initial-cluster-token: my-token
            """);
        var spec = EtcdContainerSpec.For(config, config.Nodes[2]);

        Assert.Multiple(() =>
        {
            Assert.That(spec.InitialClusterToken, Is.EqualTo("my-token"));
            Assert.That(spec.MemberName, Is.EqualTo("etcd-node3"));
            Assert.That(spec.InitialAdvertisePeerUrls, Is.EqualTo("https://10.213.1.13:2380"));
            Assert.That(spec.InitialCluster, Does.Not.Contain("node4"), "only etcd nodes are members");
        });
    }

    [Test]
    public void Extra_binds_are_added_and_extra_env_replaces_a_default_of_the_same_name()
    {
        var config = Config("""
            services:
              etcd:
                extra_binds: ["/srv/etcd-backup:/backup:z"]
                extra_env: ["ETCDCTL_ENDPOINTS=https://10.213.1.11:2379", "GOMAXPROCS=4"]
            """);
        var spec = EtcdContainerSpec.For(config, config.Nodes[0]);

        Assert.Multiple(() =>
        {
            Assert.That(spec.Binds, Has.Count.EqualTo(3).And.Contains("/srv/etcd-backup:/backup:z"));
            Assert.That(spec.Env, Does.Contain("ETCDCTL_ENDPOINTS=https://10.213.1.11:2379").And.Not.Contain("ETCDCTL_ENDPOINTS=https://127.0.0.1:2379"));
            Assert.That(spec.Env[^1], Is.EqualTo("GOMAXPROCS=4"));
        });
    }

    [Test]
    public void A_node_whose_internal_address_differs_listens_on_it_instead_of_all_addresses()
    {
        var config = ClusterConfigLoader.Parse("""
            nodes:
            - {address: 203.0.113.5, internal_address: 10.0.0.5, user: rke, role: [etcd], hostname_override: etcd-a}
            """, "cluster.yml");
        var spec = EtcdContainerSpec.For(config, config.Nodes[0]);

        Assert.Multiple(() =>
        {
            Assert.That(spec.Flag("listen-client-urls"), Is.EqualTo("https://10.0.0.5:2379"));
            Assert.That(spec.Flag("listen-peer-urls"), Is.EqualTo("https://10.0.0.5:2380"));
            Assert.That(spec.Flag("advertise-client-urls"), Is.EqualTo("https://10.0.0.5:2379"));
            Assert.That(spec.Flag("cert-file"), Is.EqualTo("/etc/kubernetes/ssl/kube-etcd-10-0-0-5.pem"));
            Assert.That(spec.MemberName, Is.EqualTo("etcd-etcd-a"));
            Assert.That(spec.Env, Does.Contain("ETCDCTL_ENDPOINTS=https://10.0.0.5:2379"), "etcdctl in the container reaches the address etcd listens on");
        });
    }

    [Test]
    public void Certificates_are_named_after_the_internal_address_in_lower_case_as_RKE_names_them()
    {
        var config = ClusterConfigLoader.Parse("""
            nodes:
            - {address: 203.0.113.5, internal_address: Etcd-A.Internal.Example, user: rke, role: [etcd]}
            - {address: 203.0.113.6, internal_address: "fd00::6", user: rke, role: [etcd]}
            """, "cluster.yml");

        Assert.That(config.Nodes.Select(n => n.EtcdCertificateBaseName), Is.EqualTo(new[] { "kube-etcd-etcd-a-internal-example", "kube-etcd-fd00::6" }));
    }

    [Test]
    public void Prefix_path_moves_the_host_side_of_the_binds()
    {
        var config = Config("prefix_path: /opt/custom");
        var spec = EtcdContainerSpec.For(config, config.Nodes[0]);

        Assert.That(spec.Binds, Is.EqualTo(new[] { "/opt/custom/var/lib/etcd:/var/lib/rancher/etcd/", "/opt/custom/etc/kubernetes:/etc/kubernetes" }));
    }
}
