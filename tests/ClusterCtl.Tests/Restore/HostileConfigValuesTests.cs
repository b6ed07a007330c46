using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Etcd;
using ClusterCtl.Restore;
using ClusterCtl.Services;

namespace ClusterCtl.Tests.Restore;

/// <summary>
/// Every builder of helper commands, given a node whose address, internal_address and hostname_override are shell
/// code (as if they had got past the config checks): no value reaches a script's text. The values travel in the
/// environment, or as plain arguments of a program that is not a shell.
/// </summary>
public class HostileConfigValuesTests
{
    private const string Run = "20261205T120000-0a1b2c3d";

    public static readonly string[] HostileValues =
    [
        "10.0.0.1$(touch /tmp/clusterctl-pwned)",
        "10.0.0.1`id`",
        "10.0.0.1;reboot",
        "10.0.0.1' || reboot '",
        "x,O=grp",
        "10.0.0.1\nreboot",
        "$HOME",
    ];

    private static readonly ClusterConfig Valid = ClusterConfigLoader.Parse("""
        nodes:
        - {address: 10.213.1.11, user: root, role: [etcd, controlplane]}
        system_images: {etcd: "local/etcd:v3.5.16", alpine: "local/busybox:1"}
        """, "cluster.yml");

    private static ClusterNode Hostile(string value) => Valid.Nodes[0] with { Address = value, InternalAddress = value, HostnameOverride = value };

    private static ClusterConfig ConfigWith(ClusterNode node) => Valid with { Nodes = [node] };

    [TestCaseSource(nameof(HostileValues))]
    public void The_preflight_facts_script_gets_the_certificate_paths_from_its_environment(string value)
    {
        var node = Hostile(value);
        var script = RestoreScripts.Facts(Run, [NodeHelperSpecs.CaCertificate, EtcdHelperSpecs.Certificate(node), EtcdHelperSpecs.Key(node)]);

        AssertNotInText(script.Text, node);
        Assert.That(script.Environment, Does.Contain($"{RestoreScripts.CertificateVariable}_3={EtcdHelperSpecs.Key(node)}"));
        AssertShellSpecKeepsValuesOut(RestoreHelperSpecs.DataShell(ConfigWith(node), "restore-preflight", script), node);
    }

    [TestCaseSource(nameof(HostileValues))]
    public void The_new_node_certificate_scripts_get_the_file_names_from_their_environment(string value)
    {
        var node = Hostile(value);
        var files = new[] { ("kube-ca.pem", false), (node.EtcdCertificateBaseName + ".pem", false), (node.EtcdCertificateBaseName + "-key.pem", true) };

        var write = NewNodeCertificates.WriteScript(NewNodeCertificates.StagingName(Run), files, regenerate: false);
        var remove = NewNodeCertificates.RemoveScript(files.Select(f => f.Item1));

        AssertNotInText(write.Text, node);
        AssertNotInText(remove.Text, node);
        Assert.That(write.Environment, Does.Contain($"CLUSTERCTL_FILE_3={node.EtcdCertificateBaseName}-key.pem"));
        Assert.That(remove.Environment, Does.Contain($"CLUSTERCTL_FILE_2={node.EtcdCertificateBaseName}.pem"));
        AssertShellSpecKeepsValuesOut(NodeHelperSpecs.AlpineShell(ConfigWith(node), "write-new-certs", write, ["/etc/kubernetes:/etc/kubernetes"]), node);
    }

    [TestCaseSource(nameof(HostileValues))]
    public void The_restore_and_cleanup_scripts_take_no_value_from_cluster_yml(string value)
    {
        var node = Hostile(value);

        // Their only inputs are the run id, the pre-restore directory's time stamp and numbers, all made by clusterctl.
        foreach (var text in new[]
        {
            RestoreScripts.Swap(Run, "pre-restore-2026-12-05T12-00-00Z").Text,
            RestoreScripts.RollBack(Run, "pre-restore-2026-12-05T12-00-00Z", hadOriginal: true, originalMustBeBacked: true).Text,
            RestoreScripts.RemoveScratch(Run).Text,
            EtcdCleaner.Script(3, dryRun: false, etcdRunning: true).Text,
        })
        {
            AssertNotInText(text, node);
        }
    }

    [TestCaseSource(nameof(HostileValues))]
    public void Etcd_helpers_pass_node_values_as_arguments_of_etcd_tools_never_of_a_shell(string value)
    {
        var node = Hostile(value);
        var config = ConfigWith(node);

        var specs = new[]
        {
            EtcdHelperSpecs.Etcdctl(config, node, "etcd-status", "endpoint", "status"),
            EtcdHelperSpecs.OfflineEtcdTool(config, "etcdctl", "snapshot-status", "snapshot", "status", "/backup/x"),
            RestoreHelperSpecs.EtcdVersion(config),
            RestoreHelperSpecs.EtcdutlHelp(config),
            RestoreHelperSpecs.SnapshotRestore(config, EtcdContainerSpec.For(config, node), Run, RestoreTool.Etcdutl, bumpRevision: true),
            RestoreHelperSpecs.SnapshotRestore(config, EtcdContainerSpec.For(config, node), Run, RestoreTool.Etcdctl, bumpRevision: false),
        };

        Assert.That(specs.Select(s => s.Entrypoint?[0]), Has.None.EqualTo("sh"));
        Assert.That(specs[0].Cmd, Has.Some.Contains(node.EtcdCertificateBaseName), "the value is an argument of etcdctl, as it should be");
    }

    private static void AssertNotInText(string text, ClusterNode node)
    {
        foreach (var value in new[] { node.Address, node.InternalAddress, node.HostnameOverride, node.EtcdCertificateBaseName })
        {
            Assert.That(text, Does.Not.Contain(value), $"'{value}' is in the script's text");
        }
    }

    /// <summary>A shell helper's command is the script alone, and the values are in its environment.</summary>
    private static void AssertShellSpecKeepsValuesOut(HelperSpec spec, ClusterNode node)
    {
        Assert.That(spec.Entrypoint, Is.EqualTo(new[] { "sh", "-c" }));
        Assert.That(spec.Cmd, Has.Count.EqualTo(1));
        AssertNotInText(spec.Cmd[0], node);
        Assert.That(spec.Env, Has.Some.Contains(node.EtcdCertificateBaseName));
    }
}
