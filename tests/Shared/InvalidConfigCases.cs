namespace ClusterCtl.Testing;

/// <summary>Malformed or invalid cluster.yml inputs, each with the line an error must point at.</summary>
internal static class InvalidConfigCases
{
    internal sealed record Case(string Name, string Yaml, int? ExpectedLine, string ExpectedText);

    private const string Node = "nodes:\n- address: 10.0.0.1\n  user: rke\n  role: [etcd]\n";

    public static readonly Case[] All =
    [
        new("bad indentation", "nodes:\n- address: 10.0.0.1\n   user: rke\n", 3, "invalid mapping"),
        new("a tab for indentation", "nodes:\n\t- address: 10.0.0.1\n", 1, "tab"),
        new("an unclosed flow list", "nodes:\n- address: 10.0.0.1\n  user: rke\n  role: [etcd, worker\n", 5, "flow sequence"),
        new("an empty file", "", null, "the file is empty"),
        new("nodes is not a list", "nodes: everything\n", 1, "nodes: expected a list"),
        new("no nodes", "cluster_name: x\nnodes: []\n", 2, "no nodes are defined"),
        new("no etcd node", "nodes:\n- address: 10.0.0.1\n  user: rke\n  role: [worker]\n", 2, "no node has the etcd role"),
        new("a duplicate address", Node + "- address: 10.0.0.1\n  user: rke\n  role: [etcd]\n", 5, "address 10.0.0.1 is used by more than one node"),
        new("a duplicate hostname_override", "nodes:\n- {address: a, user: u, role: [etcd], hostname_override: n}\n- {address: b, user: u, role: [etcd], hostname_override: n}\n", 3, "hostname_override n is used by more than one node"),
        new("an unknown role", "nodes:\n- address: 10.0.0.1\n  user: rke\n  role: [etcd, master]\n", 4, "unknown role \"master\""),
        new("a node without a role", "nodes:\n- address: 10.0.0.1\n  user: rke\n", 2, "has no role"),
        new("a port that is not a number", Node + "  port: ssh\n", 5, "port \"ssh\" is not a TCP port"),
        new("a port out of range", Node + "  port: 70000\n", 5, "port \"70000\" is not a TCP port"),
        new("a node without an address", "nodes:\n- user: rke\n  role: [etcd]\n", 2, "has no address"),
        new("a node without a user", "nodes:\n- address: 10.0.0.1\n  role: [etcd]\n", 2, "has no user"),
        new("an internal_address with shell code", Node + "  internal_address: \"10.0.0.1$(touch /tmp/x)\"\n", 5, "internal_address \"10.0.0.1$(touch /tmp/x)\" is not an IP address or a DNS name"),
        new("an internal_address that adds a certificate attribute", Node + "  internal_address: \"x,O=system:masters\"\n", 5, "internal_address \"x,O=system:masters\" is not an IP address or a DNS name"),
        new("a hostname_override with a semicolon", Node + "  hostname_override: \"node1;reboot\"\n", 5, "hostname_override \"node1;reboot\" is not an IP address or a DNS name"),
        new("an address with a backquote", "nodes:\n- address: \"10.0.0.1`id`\"\n  user: rke\n  role: [etcd]\n", 2, "address \"10.0.0.1`id`\" is not an IP address or a DNS name"),
        new("an internal_address with a line break", Node + "  internal_address: \"10.0.0.1\\nreboot\"\n", 5, "internal_address \"10.0.0.1\\nreboot\" is not an IP address or a DNS name"),
        new("a missing ssh_key_path file", Node + "  ssh_key_path: /nonexistent/id_rsa\n", 5, "SSH key file /nonexistent/id_rsa does not exist"),
        new("a missing cluster-level ssh_key_path", "ssh_key_path: /nonexistent/key\n" + Node, 1, "SSH key file /nonexistent/key does not exist"),
        new("a relative docker_socket", Node + "  docker_socket: docker.sock\n", 5, "must be an absolute path"),
        new("a duplicate key", "cluster_name: a\ncluster_name: b\n" + Node, 2, "duplicate key cluster_name"),
        new("extra_args that is a list", Node + "services:\n  etcd:\n    extra_args: [a, b]\n", 7, "services.etcd.extra_args: expected a mapping"),
        new("a malformed extra_binds entry", Node + "services:\n  etcd:\n    extra_binds: [\"data\"]\n", 7, "must look like /host/path:/container/path"),
        new("a malformed extra_env entry", Node + "services:\n  etcd:\n    extra_env: [\"NOVALUE\"]\n", 7, "must look like NAME=value"),
        new("a negative backup retention", Node + "services:\n  etcd:\n    backup_config:\n      retention: -1\n", 8, "retention must be a positive number"),
        new("a retention that is not a number", Node + "services:\n  etcd:\n    backup_config:\n      retention: lots\n", 8, "services.etcd.backup_config.retention: expected a number"),
        new("a legacy creation that is not a duration", Node + "services:\n  etcd:\n    creation: often\n", 7, "is not a duration"),
        new("an S3 config without a bucket", Node + "services:\n  etcd:\n    backup_config:\n      s3backupconfig:\n        endpoint: s3.example.com\n", 9, "has no bucket_name"),
        new("an S3 custom_ca that is not PEM", Node + "services:\n  etcd:\n    backup_config:\n      s3backupconfig:\n        bucket_name: b\n        custom_ca: /etc/ca.pem\n", 10, "custom_ca must hold a PEM certificate"),
        new("a malformed S3 endpoint", Node + "services:\n  etcd:\n    backup_config:\n      s3backupconfig:\n        bucket_name: b\n        endpoint: \"ftp://x\"\n", 10, "is not a host name or an http(s) URL"),
        new("a private registry without url", Node + "private_registries:\n- user: x\n", 6, "has no url"),
        new("a bastion without address", Node + "bastion_host:\n  user: jump\n", 6, "bastion_host has no address"),
        new("a relative prefix_path", "prefix_path: opt\n" + Node, 1, "must be an absolute path"),
        new("a root that is a list", "- a\n- b\n", 1, "the document: expected a mapping"),
    ];
}
