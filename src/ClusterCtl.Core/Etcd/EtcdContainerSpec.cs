using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Services;

namespace ClusterCtl.Etcd;

/// <summary>
/// The <c>etcd</c> container of one node exactly as RKE builds it (docs/design.md, "The etcd container, as RKE builds it"): name, host network, restart
/// always, the image, binds, the command with its flags after <c>extra_args</c>, and the environment. The restore
/// uses it twice: to recreate a missing or different container, and to take the member name, token and peer URLs
/// for <c>snapshot restore</c> from the very flags the container will run with.
/// </summary>
internal sealed class EtcdContainerSpec
{
    public const string ContainerName = "etcd";
    public const string Executable = "/usr/local/bin/etcd";
    public const string DataDirectoryInContainer = "/var/lib/rancher/etcd/";

    /// <summary>RKE's label on the containers it manages; kept so RKE still recognises a container we recreated.</summary>
    public const string RkeContainerNameLabel = "io.rancher.rke.container.name";

    // RKE puts these two in the command itself, ahead of the --key=value flags that extra_args can change.
    private static readonly string[] CommandHead = [Executable, "--peer-client-cert-auth", "--client-cert-auth"];

    private EtcdContainerSpec(string image, IReadOnlyList<KeyValuePair<string, string>> flags, IReadOnlyList<string> binds, IReadOnlyList<string> env)
    {
        Image = image;
        Flags = flags;
        Binds = binds;
        Env = env;
    }

    public string Image { get; }

    /// <summary>The effective <c>--name=value</c> flags in order: RKE's defaults, overridden or extended by extra_args.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Flags { get; }

    /// <summary>"host:container[:options]" entries: data dir, /etc/kubernetes, then extra_binds.</summary>
    public IReadOnlyList<string> Binds { get; }

    /// <summary>"NAME=value" entries: the ETCDCTL_* set, then extra_env (a name given again replaces the default).</summary>
    public IReadOnlyList<string> Env { get; }

    /// <summary>The whole command line: executable, the two cert-auth switches, then every flag as <c>--name=value</c>.</summary>
    public IReadOnlyList<string> Command => [.. CommandHead, .. Flags.Select(f => $"--{f.Key}={f.Value}")];

    public string MemberName => Flag("name") ?? throw new InvalidOperationException("extra_args removed --name; etcd needs it");

    public string InitialCluster => Flag("initial-cluster") ?? throw new InvalidOperationException("extra_args removed --initial-cluster");

    public string InitialClusterToken => Flag("initial-cluster-token") ?? throw new InvalidOperationException("extra_args removed --initial-cluster-token");

    public string InitialAdvertisePeerUrls => Flag("initial-advertise-peer-urls") ?? throw new InvalidOperationException("extra_args removed --initial-advertise-peer-urls");

    public static EtcdContainerSpec For(ClusterConfig config, ClusterNode node)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(node);

        // RKE binds to the internal address when it differs (the address may be a NAT'd public one it cannot bind), and
        // then points etcdctl at it too: 127.0.0.1 is not listened on.
        var listensOnAll = node.Address == node.InternalAddress;
        var listen = listensOnAll ? "0.0.0.0" : FormatHost(node.InternalAddress);
        var flags = new List<KeyValuePair<string, string>>
        {
            new("name", node.EtcdMemberName),
            new("data-dir", DataDirectoryInContainer),
            new("advertise-client-urls", node.EtcdClientUrl),
            new("listen-client-urls", $"https://{listen}:2379"),
            new("initial-advertise-peer-urls", node.EtcdPeerUrl),
            new("listen-peer-urls", $"https://{listen}:2380"),
            new("initial-cluster-token", "etcd-cluster-1"),
            new("initial-cluster", InitialClusterOf(config)),
            new("initial-cluster-state", "new"),
            new("trusted-ca-file", NodeHelperSpecs.CaCertificate),
            new("peer-trusted-ca-file", NodeHelperSpecs.CaCertificate),
            new("cert-file", EtcdHelperSpecs.Certificate(node)),
            new("key-file", EtcdHelperSpecs.Key(node)),
            new("peer-cert-file", EtcdHelperSpecs.Certificate(node)),
            new("peer-key-file", EtcdHelperSpecs.Key(node)),
            new("election-timeout", "5000"),
            new("heartbeat-interval", "500"),
        };

        // Sorted, so that the same cluster.yml always gives the same command, whatever order YAML kept.
        foreach (var (rawName, value) in config.Etcd.ExtraArgs.OrderBy(a => a.Key.TrimStart('-'), StringComparer.Ordinal))
        {
            var name = rawName.TrimStart('-');
            var index = flags.FindIndex(f => f.Key == name);
            if (value.Length == 0)
            {
                if (index >= 0)
                {
                    flags.RemoveAt(index);
                }
            }
            else if (index >= 0)
            {
                flags[index] = new(name, value);
            }
            else
            {
                flags.Add(new(name, value));
            }
        }

        var binds = new List<string>
        {
            $"{config.EtcdDataDirectory}:{DataDirectoryInContainer}",
            $"{config.KubernetesDirectory}:{NodeHelperSpecs.KubernetesDirectoryInContainer}",
        };
        binds.AddRange(config.Etcd.ExtraBinds);

        var env = new List<string>
        {
            "ETCDCTL_API=3",
            "ETCDCTL_CACERT=" + NodeHelperSpecs.CaCertificate,
            "ETCDCTL_CERT=" + EtcdHelperSpecs.Certificate(node),
            "ETCDCTL_KEY=" + EtcdHelperSpecs.Key(node),
            "ETCDCTL_ENDPOINTS=" + (listensOnAll ? "https://127.0.0.1:2379" : node.EtcdClientUrl),
        };
        foreach (var entry in config.Etcd.ExtraEnv)
        {
            var name = entry[..entry.IndexOf('=', StringComparison.Ordinal)];
            var index = env.FindIndex(e => e.StartsWith(name + "=", StringComparison.Ordinal));
            if (index >= 0)
            {
                env[index] = entry;
            }
            else
            {
                env.Add(entry);
            }
        }

        return new EtcdContainerSpec(config.Etcd.Image, flags, binds, env);
    }

    /// <summary>RKE's <c>--initial-cluster</c>: every etcd node of cluster.yml, in file order, as name=peer URL.</summary>
    public static string InitialClusterOf(ClusterConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return string.Join(',', config.EtcdNodes.Select(n => $"{n.EtcdMemberName}={n.EtcdPeerUrl}"));
    }

    /// <summary>The effective value of a flag (without dashes), or null when there is none.</summary>
    public string? Flag(string name) => Flags.FirstOrDefault(f => f.Key == name).Value;

    /// <summary>The create body: the command as entrypoint head and flags (so an image's own ENTRYPOINT cannot get in the way).</summary>
    public ContainerSpec ToContainerSpec() => new()
    {
        Image = Image,
        Entrypoint = [Executable],
        Cmd = Command.Skip(1).ToList(),
        Env = Env,
        Labels = new Dictionary<string, string> { [RkeContainerNameLabel] = ContainerName },
        HostConfig = new ContainerHostConfig
        {
            Binds = Binds,
            NetworkMode = "host",
            RestartPolicy = RestartPolicy.Always,
        },
    };

    /// <summary>
    /// How an existing container differs from this spec in what matters for starting it as it is: the image, the
    /// command and its flags (as a set: RKE's own order varies), and the binds. Empty when it matches.
    /// </summary>
    public IReadOnlyList<string> DifferencesFrom(ContainerDetails existing)
    {
        ArgumentNullException.ThrowIfNull(existing);
        var differences = new List<string>();
        if (!SameImage(existing.Config.Image, Image))
        {
            differences.Add($"image {existing.Config.Image} instead of {Image}");
        }

        // Path and Args are what docker actually runs, whether the command was given as entrypoint or as cmd.
        var running = new List<string>();
        if (!string.IsNullOrEmpty(existing.Path))
        {
            running.Add(existing.Path);
        }

        running.AddRange(existing.Args ?? []);
        var wanted = Command;
        if (running.Count == 0 || running[0] != wanted[0])
        {
            differences.Add($"runs {(running.Count == 0 ? "nothing" : running[0])} instead of {wanted[0]}");
        }
        else
        {
            var missing = wanted.Skip(1).Except(running.Skip(1), StringComparer.Ordinal).ToList();
            var extra = running.Skip(1).Except(wanted.Skip(1), StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                differences.Add("lacks " + string.Join(' ', missing));
            }

            if (extra.Count > 0)
            {
                differences.Add("has " + string.Join(' ', extra));
            }
        }

        var binds = (existing.HostConfig.Binds ?? []).Select(NormalizeBind).ToHashSet(StringComparer.Ordinal);
        var wantedBinds = Binds.Select(NormalizeBind).ToHashSet(StringComparer.Ordinal);
        if (!binds.SetEquals(wantedBinds))
        {
            var missing = wantedBinds.Except(binds).ToList();
            var extra = binds.Except(wantedBinds).ToList();
            differences.Add("binds differ" + (missing.Count > 0 ? " (lacks " + string.Join(' ', missing) + ")" : "") + (extra.Count > 0 ? " (has " + string.Join(' ', extra) + ")" : ""));
        }

        return differences;
    }

    /// <summary>Same image, same command and flags, same binds: such a container is started as it is.</summary>
    public bool Matches(ContainerDetails existing) => DifferencesFrom(existing).Count == 0;

    private static bool SameImage(string a, string b)
    {
        if (string.Equals(a, b, StringComparison.Ordinal))
        {
            return true;
        }

        try
        {
            return Canonical(ImageReference.Parse(a)) == Canonical(ImageReference.Parse(b));
        }
        catch (ClusterCtlException)
        {
            return false;
        }

        // "rancher/etcd", "docker.io/rancher/etcd:latest" and "index.docker.io/rancher/etcd" are one image.
        static string Canonical(ImageReference image)
        {
            var registry = RegistryAuthSelector.NormalizeHost(image.RegistryHost);
            var repository = registry == ImageReference.DockerHub && !image.Repository.Contains('/', StringComparison.Ordinal)
                ? "library/" + image.Repository
                : image.Repository;
            return $"{registry}/{repository}:{image.Tag ?? (image.Digest is null ? ImageReference.DefaultTag : "")}@{image.Digest}";
        }
    }

    // "/var/lib/etcd:/var/lib/rancher/etcd/" and "/var/lib/etcd/:/var/lib/rancher/etcd" mount the same thing.
    private static string NormalizeBind(string bind)
    {
        var parts = bind.Split(':');
        for (var i = 0; i < Math.Min(2, parts.Length); i++)
        {
            parts[i] = parts[i].Length > 1 ? parts[i].TrimEnd('/') : parts[i];
        }

        return string.Join(':', parts);
    }

    private static string FormatHost(string address) => address.Contains(':', StringComparison.Ordinal) ? $"[{address}]" : address;
}
