using System.Globalization;
using ClusterCtl.Config.Yaml;

namespace ClusterCtl.Config;

/// <summary>Turns the raw document into a <see cref="ClusterConfig"/>: RKE's defaults, then every check the etcd plane relies on.</summary>
internal sealed class ClusterConfigResolver(string displayPath, string configDirectory, YamlPositionIndex positions)
{
    private const int DefaultSshPort = 22;
    private const string DefaultDockerSocket = "/var/run/docker.sock";
    private const string RkeDefaultKeyPath = "~/.ssh/id_rsa";

    public ClusterConfig Resolve(RkeClusterDocument doc, string fullPath)
    {
        var clusterKey = ResolveCredentials(null, WithoutMissingDefaultKey(doc.SshKeyPath), null, doc.SshCertPath, "");
        var nodes = ResolveNodes(doc, clusterKey);
        var etcd = doc.Services?.Etcd;

        return new ClusterConfig(
            SourcePath: fullPath,
            ClusterName: string.IsNullOrWhiteSpace(doc.ClusterName) ? "rke" : doc.ClusterName.Trim(),
            Nodes: nodes,
            PrefixPath: ResolvePrefixPath(doc.PrefixPath),
            SshAgentAuth: doc.SshAgentAuth ?? false,
            Bastion: ResolveBastion(doc.BastionHost, clusterKey),
            PrivateRegistries: ResolveRegistries(doc.PrivateRegistries),
            Etcd: new EtcdService(
                Image: FirstNonEmpty(etcd?.Image, doc.SystemImages?.Etcd) ?? SystemImages.DefaultEtcd,
                ExtraArgs: (etcd?.ExtraArgs ?? []).ToDictionary(kv => kv.Key, kv => kv.Value ?? "", StringComparer.Ordinal),
                ExtraBinds: ResolveList(etcd?.ExtraBinds, "services.etcd.extra_binds", ValidateBind),
                ExtraEnv: ResolveList(etcd?.ExtraEnv, "services.etcd.extra_env", ValidateEnv),
                Backup: ResolveBackup(etcd)),
            Images: new SystemImages(
                Etcd: FirstNonEmpty(doc.SystemImages?.Etcd, etcd?.Image) ?? SystemImages.DefaultEtcd,
                Alpine: FirstNonEmpty(doc.SystemImages?.Alpine) ?? SystemImages.DefaultAlpine,
                CertDownloader: FirstNonEmpty(doc.SystemImages?.CertDownloader, doc.SystemImages?.Alpine) ?? SystemImages.DefaultAlpine));
    }

    private List<ClusterNode> ResolveNodes(RkeClusterDocument doc, SshCredentials clusterKey)
    {
        if (doc.Nodes is not { Count: > 0 })
        {
            throw Error("nodes", "no nodes are defined; add a nodes: list with at least one node that has the etcd role");
        }

        var nodes = new List<ClusterNode>();
        for (var i = 0; i < doc.Nodes.Count; i++)
        {
            var path = $"nodes[{i}]";
            var raw = doc.Nodes[i] ?? throw Error(path, "the node entry is empty; give it at least address, user and role");
            nodes.Add(ResolveNode(raw, path, clusterKey));
        }

        RequireUnique(nodes, _ => true, n => n.Address, "address");
        RequireUnique(nodes, _ => true, n => n.HostnameOverride, "hostname_override");
        RequireUnique(nodes, n => n.IsEtcd, n => n.InternalAddress, "internal_address");

        if (!nodes.Any(n => n.IsEtcd))
        {
            throw Error("nodes", "no node has the etcd role; add \"etcd\" to the role list of at least one node");
        }

        return nodes;
    }

    private ClusterNode ResolveNode(RkeNode raw, string path, SshCredentials clusterKey)
    {
        var address = raw.Address?.Trim();
        if (string.IsNullOrEmpty(address))
        {
            throw Error(path, "the node has no address; set address: to its IP or DNS name");
        }

        RequireHostAddress(address, path + ".address", "address");

        if (string.IsNullOrWhiteSpace(raw.User))
        {
            throw Error(path, $"node {address} has no user; set user: to the SSH user (it needs access to the Docker socket)");
        }

        var dockerSocket = string.IsNullOrWhiteSpace(raw.DockerSocket) ? DefaultDockerSocket : raw.DockerSocket.Trim();
        if (!dockerSocket.StartsWith('/'))
        {
            throw Error(path + ".docker_socket", $"docker_socket \"{dockerSocket}\" of node {address} must be an absolute path such as {DefaultDockerSocket}");
        }

        var internalAddress = string.IsNullOrWhiteSpace(raw.InternalAddress) ? address : raw.InternalAddress.Trim();
        RequireHostAddress(internalAddress, path + ".internal_address", "internal_address");
        var hostnameOverride = string.IsNullOrWhiteSpace(raw.HostnameOverride) ? address : raw.HostnameOverride.Trim();
        RequireHostAddress(hostnameOverride, path + ".hostname_override", "hostname_override");
        return new ClusterNode(
            Address: address,
            Port: ParsePort(raw.Port, path + ".port"),
            InternalAddress: internalAddress,
            HostnameOverride: hostnameOverride,
            User: raw.User.Trim(),
            DockerSocket: dockerSocket,
            Roles: ParseRoles(raw.Role, path + ".role", address),
            Credentials: ResolveCredentials(raw.SshKey, raw.SshKeyPath, raw.SshCert, raw.SshCertPath, path + ".", clusterKey));
    }

    // These values reach etcd's flags, file names on the nodes and certificates signed by the cluster CA.
    private void RequireHostAddress(string value, string path, string key)
    {
        if (!HostAddress.IsValid(value))
        {
            throw Error(path, $"{key} \"{Printable(value)}\" is not an IP address or a DNS name; use an address like 10.0.0.1 or a name of letters, digits, '-' and '.'");
        }
    }

    /// <summary>The value with control characters written as escapes, so that the error stays one line.</summary>
    private static string Printable(string value) => string.Concat(value.Select(c => c switch
    {
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        _ when char.IsControl(c) => $"\\u{(int)c:x4}",
        _ => c.ToString(),
    }));

    private NodeRoles ParseRoles(List<string?>? roles, string path, string address)
    {
        if (roles is not { Count: > 0 })
        {
            throw Error(path, $"node {address} has no role; set role: to a list of etcd, controlplane and worker");
        }

        var result = NodeRoles.None;
        for (var i = 0; i < roles.Count; i++)
        {
            result |= roles[i]?.Trim() switch
            {
                "etcd" => NodeRoles.Etcd,
                "controlplane" => NodeRoles.ControlPlane,
                "worker" => NodeRoles.Worker,
                var other => throw Error($"{path}[{i}]", $"unknown role \"{other}\" on node {address}; roles are etcd, controlplane and worker"),
            };
        }

        return result;
    }

    private int ParsePort(string? text, string path)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultSshPort;
        }

        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw Error(path, $"port \"{text}\" is not a TCP port; use a number from 1 to 65535");
        }

        return port;
    }

    private SshCredentials ResolveCredentials(string? inlineKey, string? keyPath, string? inlineCert, string? certPath, string pathPrefix, SshCredentials? inherited = null)
    {
        string? key = null, cert = null;
        if (string.IsNullOrWhiteSpace(inlineKey) && !string.IsNullOrWhiteSpace(keyPath))
        {
            key = RequireReadableFile(keyPath, pathPrefix + "ssh_key_path", "SSH key");
        }

        if (string.IsNullOrWhiteSpace(inlineCert) && !string.IsNullOrWhiteSpace(certPath))
        {
            cert = RequireReadableFile(certPath, pathPrefix + "ssh_cert_path", "SSH certificate");
        }

        var hasInlineKey = !string.IsNullOrWhiteSpace(inlineKey);
        var hasInlineCert = !string.IsNullOrWhiteSpace(inlineCert);
        return new SshCredentials(
            KeyPath: hasInlineKey ? null : key ?? inherited?.KeyPath,
            InlineKey: hasInlineKey ? inlineKey : key is null ? inherited?.InlineKey : null,
            CertificatePath: hasInlineCert ? null : cert ?? inherited?.CertificatePath,
            InlineCertificate: hasInlineCert ? inlineCert : cert is null ? inherited?.InlineCertificate : null);
    }

    // `rke config` writes ssh_key_path: ~/.ssh/id_rsa into nearly every cluster.yml. When that default file
    // is absent the operator relies on the agent or ~/.ssh/config, so treat it as unset rather than as an error.
    private string? WithoutMissingDefaultKey(string? keyPath) =>
        keyPath?.Trim() == RkeDefaultKeyPath && !File.Exists(ExpandPath(RkeDefaultKeyPath)) ? null : keyPath;

    private string RequireReadableFile(string path, string yamlPath, string what)
    {
        var expanded = ExpandPath(path.Trim());
        try
        {
            using var _ = File.OpenRead(expanded);
            return expanded;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var reason = e is FileNotFoundException or DirectoryNotFoundException ? "does not exist" : "cannot be read";
            throw Error(yamlPath, $"{what} file {expanded} {reason}; fix the path or the file's permissions");
        }
    }

    private string ExpandPath(string path)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            path = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path[1..];
        }

        return Path.GetFullPath(path, configDirectory);
    }

    private BastionHost? ResolveBastion(RkeBastionHost? raw, SshCredentials clusterKey)
    {
        if (raw is null || (string.IsNullOrWhiteSpace(raw.Address) && string.IsNullOrWhiteSpace(raw.User)
            && string.IsNullOrWhiteSpace(raw.SshKeyPath) && string.IsNullOrWhiteSpace(raw.SshKey)))
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(raw.Address))
        {
            throw Error("bastion_host", "bastion_host has no address; set bastion_host.address or remove bastion_host");
        }

        if (string.IsNullOrWhiteSpace(raw.User))
        {
            throw Error("bastion_host", "bastion_host has no user; set bastion_host.user");
        }

        return new BastionHost(
            raw.Address.Trim(),
            ParsePort(raw.Port, "bastion_host.port"),
            raw.User.Trim(),
            ResolveCredentials(raw.SshKey, raw.SshKeyPath, raw.SshCert, raw.SshCertPath, "bastion_host.", clusterKey));
    }

    private List<PrivateRegistry> ResolveRegistries(List<RkePrivateRegistry?>? raw)
    {
        var result = new List<PrivateRegistry>();
        for (var i = 0; i < (raw?.Count ?? 0); i++)
        {
            var r = raw![i];
            if (r is null || string.IsNullOrWhiteSpace(r.Url))
            {
                throw Error($"private_registries[{i}]", "the private registry has no url; set url: to the registry host, e.g. registry.example.com:5000");
            }

            result.Add(new PrivateRegistry(r.Url.Trim(), r.User, r.Password, r.IsDefault ?? false));
        }

        return result;
    }

    private BackupConfig ResolveBackup(RkeEtcdService? etcd)
    {
        var backup = BackupConfig.Default;
        if (etcd is null)
        {
            return backup;
        }

        // The legacy keys: snapshot (on/off), creation (interval) and retention (how long to keep, as a duration).
        if (etcd.Snapshot == true)
        {
            backup = backup with { Enabled = true };
        }

        if (!string.IsNullOrWhiteSpace(etcd.Creation))
        {
            backup = backup with { Interval = ParseDuration(etcd.Creation, "services.etcd.creation") };
        }

        if (!string.IsNullOrWhiteSpace(etcd.Retention))
        {
            var keepFor = ParseDuration(etcd.Retention, "services.etcd.retention");
            backup = backup with { Retention = Math.Max(1, (int)(keepFor / backup.Interval)) };
        }

        if (etcd.BackupConfig is not { } bc)
        {
            return backup;
        }

        backup = backup with { Enabled = bc.Enabled ?? true };
        if (bc.IntervalHours is { } hours)
        {
            backup = backup with { Interval = TimeSpan.FromHours(RequirePositive(hours, "services.etcd.backup_config.interval_hours")) };
        }

        if (bc.Retention is { } retention)
        {
            backup = backup with { Retention = RequirePositive(retention, "services.etcd.backup_config.retention") };
        }

        if (bc.Timeout is { } timeout)
        {
            backup = backup with { Timeout = TimeSpan.FromSeconds(RequirePositive(timeout, "services.etcd.backup_config.timeout")) };
        }

        return backup with { S3 = ResolveS3(bc.S3BackupConfig), Verify = bc.Verify ?? false };
    }

    private S3Settings? ResolveS3(RkeS3BackupConfig? raw)
    {
        const string path = "services.etcd.backup_config.s3backupconfig";
        if (raw is null || string.IsNullOrWhiteSpace(raw.BucketName) && string.IsNullOrWhiteSpace(raw.Endpoint))
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(raw.BucketName))
        {
            throw Error(path, "s3backupconfig has no bucket_name; set bucket_name or remove s3backupconfig");
        }

        if (!string.IsNullOrWhiteSpace(raw.Endpoint) && !IsValidEndpoint(raw.Endpoint.Trim()))
        {
            throw Error(path + ".endpoint", $"S3 endpoint \"{raw.Endpoint}\" is not a host name or an http(s) URL");
        }

        if (!string.IsNullOrWhiteSpace(raw.CustomCa) && !raw.CustomCa.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            throw Error(path + ".custom_ca", "custom_ca must hold a PEM certificate (-----BEGIN CERTIFICATE-----)");
        }

        return new S3Settings(
            NullIfBlank(raw.AccessKey), NullIfBlank(raw.SecretKey), raw.BucketName.Trim(), NullIfBlank(raw.Region),
            NullIfBlank(raw.Endpoint), NullIfBlank(raw.CustomCa), NullIfBlank(raw.Folder)?.Trim('/'));
    }

    internal static bool IsValidEndpoint(string endpoint) =>
        endpoint.Contains("://", StringComparison.Ordinal)
            ? Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            : Uri.CheckHostName(endpoint.Split(':')[0]) != UriHostNameType.Unknown;

    private List<string> ResolveList(List<string?>? raw, string path, Func<string, string?> validate)
    {
        var result = new List<string>();
        for (var i = 0; i < (raw?.Count ?? 0); i++)
        {
            var value = raw![i]?.Trim() ?? "";
            if (validate(value) is { } problem)
            {
                throw Error($"{path}[{i}]", problem);
            }

            result.Add(value);
        }

        return result;
    }

    private static string? ValidateBind(string bind) =>
        bind.Split(':') is { Length: >= 2 } parts && parts[0].StartsWith('/') && parts[1].StartsWith('/')
            ? null
            : $"bind \"{bind}\" must look like /host/path:/container/path[:options]";

    private static string? ValidateEnv(string env) =>
        env.IndexOf('=', StringComparison.Ordinal) > 0 ? null : $"environment entry \"{env}\" must look like NAME=value";

    private TimeSpan ParseDuration(string text, string path) =>
        GoDuration.TryParse(text, out var duration)
            ? duration
            : throw Error(path, $"\"{text}\" is not a duration; use forms like 90s, 5m or 12h");

    private int RequirePositive(int value, string path) =>
        value > 0 ? value : throw Error(path, $"{path.Split('.')[^1]} must be a positive number, not {value}");

    private string ResolvePrefixPath(string? raw)
    {
        var prefix = string.IsNullOrWhiteSpace(raw) ? "/" : raw.Trim();
        return prefix.StartsWith('/') ? prefix : throw Error("prefix_path", $"prefix_path \"{prefix}\" must be an absolute path");
    }

    private void RequireUnique(List<ClusterNode> nodes, Func<ClusterNode, bool> among, Func<ClusterNode, string> key, string name)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < nodes.Count; i++)
        {
            if (among(nodes[i]) && !seen.Add(key(nodes[i])))
            {
                throw Error($"nodes[{i}]", $"{name} {key(nodes[i])} is used by more than one node; each node needs its own {name}");
            }
        }
    }

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private ConfigException Error(string path, string message) => new(displayPath, positions.Find(path), message);
}
