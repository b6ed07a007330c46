using System.Diagnostics;
using System.Globalization;
using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Etcd;
using ClusterCtl.Hosts;
using ClusterCtl.Logging;
using ClusterCtl.Services;
using Serilog;

namespace ClusterCtl.Restore;

/// <summary>
/// Phase 3: on every etcd node in parallel, checks that the restore can go through, writing nothing: docker works,
/// the images are there (or pullable: pulled now, or "would pull" in a dry run), the disk is big enough, the image's
/// etcd matches the snapshot's major.minor, the certificates exist, and which restore tool the image has. The answer
/// is a <see cref="RestorePlan"/>; any problem in it stops the restore before the point of no return.
/// </summary>
internal sealed class RestorePreflight(ClusterConfig config, ILogger logger)
{
    // Handed on as it came: the parts this class calls log under their own scope, or none.
    private readonly ILogger _logger = logger;
    private readonly ILogger _log = logger.ForScope("restore");

    /// <summary>Room beyond the data itself: etcd preallocates a 64 MiB WAL segment, and a full disk must never be the cause of a failed restore.</summary>
    public const long DiskMarginBytes = 128L * 1024 * 1024;

    public async Task<RestorePlan> RunAsync(ClusterSession session, RestoreSource source, RestoreOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        _log.Information("Preflight on {Count} etcd nodes{DryRun}", config.EtcdNodes.Count(), options.DryRun ? " (dry run: nothing is written or pulled)" : "");

        var etcdNodes = config.EtcdNodes.ToList();
        var images = new EtcdImageProbe(config, _logger);
        var results = await Task.WhenAll(etcdNodes.Select(node =>
            Find(session, node) is { } reachable
                ? CheckNodeAsync(reachable, images, source, session.RunId, options, cancellationToken)
                : Task.FromResult(Unreachable(node, session.Unreachable.GetValueOrDefault(node)))));

        var (apiservers, staleEtcdServers) = await FindApiserversAsync(session, cancellationToken);
        var warnings = staleEtcdServers.Select(s => s.Message).ToList();
        foreach (var (node, error) in session.Unreachable.Where(u => !u.Key.IsEtcd))
        {
            warnings.Add($"{node.Address} is unreachable ({error.Message}); its kube components will not be restarted");
        }

        var tool = results.All(r => r.HasEtcdutl) ? RestoreTool.Etcdutl : RestoreTool.Etcdctl;
        var bump = tool == RestoreTool.Etcdutl && results.All(r => r.CanBumpRevision);
        if (tool == RestoreTool.Etcdctl && results.Any(r => r.HasEtcdutl))
        {
            warnings.Add("not every node's etcd image has etcdutl; all nodes restore with etcdctl so that they agree");
        }

        if (!bump && results.All(r => r.Passed))
        {
            warnings.Add("the etcd image cannot bump the revision (etcd 3.4, or an etcdutl without --bump-revision); watchers are restarted instead");
        }

        // The cluster's health before the restore: informative, and what a rollback must get back to. Only looked at
        // when every etcd image is there, because a helper would otherwise pull it (a dry run pulls nothing).
        EtcdClusterObservation? before = null;
        var imagesPresent = results.All(r => r.Checks.Any(c => c.Name == "etcd image" && c.Passed && c.Detail != "would pull"));
        if (imagesPresent && session.Unreachable.Keys.All(n => !n.IsEtcd))
        {
            // A new node has no member to observe yet; the cluster before the restore is the nodes that had one.
            var newNodes = results.Where(r => r.IsNewNode).Select(r => r.Host).ToHashSet(StringComparer.Ordinal);
            before = await new EtcdClusterHealth(config, _logger).ObserveAsync(EtcdSessions(session).Where(n => !newNodes.Contains(n.Host)).ToList(), cancellationToken);
        }

        var healthBefore = before?.Problem(0);
        if (before is not null && healthBefore is not null)
        {
            warnings.Add($"etcd is not healthy before the restore ({healthBefore}); a rollback can only bring back this state");
        }

        var healthTimeout = options.HealthTimeout ?? config.Etcd.Backup.Timeout;
        var problems = results.SelectMany(r => r.Failures.Select(f => $"{r.Host}: {f.Detail}; {f.Fix}")).ToList();
        var componentNodes = session.Nodes.Select(n => n.Host).ToList();
        var plan = new RestorePlan
        {
            RunId = session.RunId,
            Source = source,
            EtcdNodes = results,
            ApiserverNodes = apiservers,
            StaleEtcdServers = staleEtcdServers,
            ComponentNodes = componentNodes,
            Tool = tool,
            BumpRevision = bump,
            HealthTimeout = healthTimeout,
            ClusterHealthyBefore = before is not null && healthBefore is null,
            HealthBefore = before is null ? "not observed" : healthBefore ?? "healthy",
            RevisionBefore = before?.MinimumRevision,
            Problems = problems,
            Warnings = warnings,
            PreflightDuration = clock.Elapsed,
        };
        plan = plan with { Steps = RestoreSteps.Describe(config, plan) };

        foreach (var result in results)
        {
            foreach (var failure in result.Failures)
            {
                _log.Error("{Host}: preflight {Check} failed: {Detail}; {Fix}", result.Host, failure.Name, failure.Detail, failure.Fix);
            }
        }

        foreach (var warning in warnings)
        {
            _log.Warning("{Warning}", warning);
        }

        _log.Information("Preflight {Outcome} in {Seconds:0.0} s", plan.Ready ? "passed" : "found problems", clock.Elapsed.TotalSeconds);
        return plan;
    }

    private static NodeSession? Find(ClusterSession session, ClusterNode node) => session.Nodes.FirstOrDefault(n => n.Node == node);

    private List<NodeSession> EtcdSessions(ClusterSession session) =>
        config.EtcdNodes.Select(n => Find(session, n)).OfType<NodeSession>().ToList();

    private static PreflightResult Unreachable(ClusterNode node, ClusterCtlException? error) => new()
    {
        Host = node.Address,
        MemberName = node.EtcdMemberName,
        Checks = [PreflightCheck.Fail("reachable", $"unreachable: {error?.Message ?? "no connection"}",
            "make the host reachable over SSH with docker access; a restore needs every etcd node, or the members would split")],
    };

    private async Task<(IReadOnlyList<string> Hosts, IReadOnlyList<StaleEtcdServers> Stale)> FindApiserversAsync(ClusterSession session, CancellationToken cancellationToken)
    {
        var found = await Task.WhenAll(session.Nodes.Where(n => n.Node.IsControlPlane).Select(async node =>
        {
            try
            {
                return await node.Docker.InspectContainerAsync(KubeComponents.Apiserver, cancellationToken) is { } apiserver
                    ? (node.Host, StaleEtcdServers.Find(config, node.Host, apiserver))
                    : (null, null);
            }
            catch (DockerException e)
            {
                _log.Warning("{Host}: cannot look for kube-apiserver: {Error}", node.Host, e.Message);
                return (null, null);
            }
        }));
        return (found.Select(f => f.Item1).OfType<string>().ToList(), found.Select(f => f.Item2).OfType<StaleEtcdServers>().ToList());
    }

    private async Task<PreflightResult> CheckNodeAsync(
        NodeSession node, EtcdImageProbe images, RestoreSource source, string runId, RestoreOptions options, CancellationToken cancellationToken)
    {
        var dryRun = options.DryRun;
        var checks = new List<PreflightCheck>
        {
            PreflightCheck.Pass("docker", string.Create(CultureInfo.InvariantCulture, $"Engine API {node.Docker.ApiVersion}")),
        };
        var result = new PreflightResult { Host = node.Host, MemberName = node.Node.EtcdMemberName };
        try
        {
            var (etcdImage, etcdImageId) = await CheckImageAsync(node, "etcd image", config.Etcd.Image, dryRun, cancellationToken);
            var (alpineImage, alpineImageId) = await CheckImageAsync(node, "alpine image", config.Images.Alpine, dryRun, cancellationToken);
            checks.Add(etcdImage);
            checks.Add(alpineImage);

            var factsTask = alpineImageId is not null ? CheckDataDirectoryAsync(node, source, runId, options.CertificateAuthority, cancellationToken) : null;
            var imageTask = etcdImageId is not null ? images.ProbeAsync(node, etcdImageId, cancellationToken) : null;
            var containerTask = CheckEtcdContainerAsync(node, cancellationToken);

            if (factsTask is not null)
            {
                var (factChecks, facts) = await factsTask;
                checks.AddRange(factChecks);
                result = result with
                {
                    FreeBytes = facts?.FreeBytes,
                    RequiredBytes = RequiredBytes(source, facts),
                    HasMember = facts?.HasMember ?? false,
                    SnapshotInPlace = facts is not null && IsInPlace(source, facts),
                    IsNewNode = facts is not null && (!facts.HasMember || facts.MissingCertificates.Count > 0),
                    MissingCertificates = facts?.MissingCertificates ?? [],
                };
            }
            else
            {
                checks.Add(PreflightCheck.Pass("data directory", "not checked: the alpine image would be pulled first"));
            }

            if (imageTask is not null)
            {
                var image = await imageTask;
                var (check, version) = CheckEtcdVersion(image.Version, source);
                checks.Add(check);
                checks.Add(PreflightCheck.Pass("restore tool", image.HasEtcdutl
                    ? (image.CanBumpRevision ? "etcdutl (with --bump-revision)" : "etcdutl (without --bump-revision)")
                    : "etcdctl (the image has no etcdutl)"));
                result = result with { EtcdVersion = version, HasEtcdutl = image.HasEtcdutl, CanBumpRevision = image.CanBumpRevision };
            }
            else
            {
                checks.Add(PreflightCheck.Pass("etcd version", "not checked: the etcd image would be pulled first"));
            }

            var (state, action, differences) = await containerTask;
            checks.Add(PreflightCheck.Pass("etcd container", action switch
            {
                EtcdContainerAction.StartAsIs => $"{state}; matches cluster.yml: started again as it is",
                EtcdContainerAction.Recreate => $"{state}; differs from cluster.yml ({string.Join("; ", differences)}): recreated",
                _ => "missing: created from cluster.yml",
            }));
            result = result with { EtcdContainerState = state, EtcdContainerAction = action, EtcdContainerDifferences = differences };
        }
        catch (DockerException e)
        {
            checks.Add(PreflightCheck.Fail("docker", e.Message, $"check docker on {node.Host}"));
        }

        return result with { Checks = checks };
    }

    /// <summary>The image's check, and its id when it is on the host now (null when it would be pulled, or cannot be).</summary>
    private async Task<(PreflightCheck Check, string? ImageId)> CheckImageAsync(NodeSession node, string name, string image, bool dryRun, CancellationToken cancellationToken)
    {
        if (await node.Docker.InspectImageAsync(image, cancellationToken) is { } present)
        {
            return (PreflightCheck.Pass(name, "present"), present.Id);
        }

        if (dryRun)
        {
            return (PreflightCheck.Pass(name, "would pull"), null);
        }

        try
        {
            _log.Information("{Host}: pulling {Image}", node.Host, image);
            await node.Docker.PullImageAsync(image, NodeHelperSpecs.RegistryAuthFor(config, image), progress: null, cancellationToken);
            return (PreflightCheck.Pass(name, "pulled"), (await node.Docker.InspectImageAsync(image, cancellationToken))?.Id);
        }
        catch (DockerException e)
        {
            return (PreflightCheck.Fail(name, $"{image} is not on the host and cannot be pulled: {e.Message}",
                "load the image on the host (docker load) or fix private_registries in cluster.yml"), null);
        }
    }

    private async Task<(IReadOnlyList<PreflightCheck> Checks, PreflightFacts? Facts)> CheckDataDirectoryAsync(
        NodeSession node, RestoreSource source, string runId, Pki.CertificateAuthoritySource? ca, CancellationToken cancellationToken)
    {
        var certificates = new[] { NodeHelperSpecs.CaCertificate, EtcdHelperSpecs.Certificate(node.Node), EtcdHelperSpecs.Key(node.Node) };
        var spec = RestoreHelperSpecs.DataShell(config, "restore-preflight", RestoreScripts.Facts(runId, certificates));
        var run = await node.Helpers.RunAsync(spec, cancellationToken);
        if (!run.Succeeded)
        {
            return ([PreflightCheck.Fail("data directory", $"cannot read {RestoreLayout.HostDataDirectory(config)}: {run.LastErrorLine ?? "exit code " + run.ExitCode}",
                $"make sure {RestoreLayout.HostDataDirectory(config)} exists on {node.Host}")], null);
        }

        var facts = PreflightFacts.Parse(run.Stdout);
        var checks = new List<PreflightCheck>();
        var hostCertificates = certificates.Select(c => config.HostPath(c)).ToList();
        checks.Add(await CheckCertificatesAsync(node, facts, hostCertificates, ca, cancellationToken));
        if (!facts.HasMember || facts.MissingCertificates.Count > 0)
        {
            checks.Add(PreflightCheck.Pass("new node", $"{(facts.HasMember ? "no etcd certificate" : "no etcd data")}: joins the restored cluster as a new member"));
        }

        var required = RequiredBytes(source, facts);
        checks.Add(facts.FreeBytes is not { } free
            ? PreflightCheck.Fail("disk", $"cannot tell the free space of {RestoreLayout.HostDataDirectory(config)}", "check df on the host")
            : free >= required
                ? PreflightCheck.Pass("disk", $"{Bytes(free)} free, {Bytes(required)} needed")
                : PreflightCheck.Fail("disk", $"{Bytes(free)} free in {RestoreLayout.HostDataDirectory(config)}, {Bytes(required)} needed",
                    "free space there (clusterctl etcd cleanup removes old pre-restore directories)"));

        checks.Add(facts.ScratchDataExists
            ? PreflightCheck.Fail("data directory", $"{RestoreLayout.ScratchDirectory(config, runId)}/data already exists",
                "remove it (clusterctl etcd cleanup)")
            : PreflightCheck.Pass("data directory", facts.HasMember ? "member present: kept in pre-restore-<time>" : "no member yet: the restored one is moved in"));

        if (facts.SnapshotSizeBytes is { } size && source.DbSizeBytes > 0 && size != source.DbSizeBytes)
        {
            checks.Add(PreflightCheck.Fail("snapshot", string.Create(CultureInfo.InvariantCulture,
                $"{RestoreLayout.SnapshotInScratch(config, runId)} has {size} bytes, the snapshot {source.DbSizeBytes}"), "copy the snapshot to the node again"));
        }

        return (checks, facts);
    }

    private async Task<PreflightCheck> CheckCertificatesAsync(
        NodeSession node, PreflightFacts facts, IReadOnlyList<string> hostCertificates, Pki.CertificateAuthoritySource? source, CancellationToken cancellationToken)
    {
        if (facts.MissingCertificates.Count == 0)
        {
            return PreflightCheck.Pass("certificates", string.Join(", ", hostCertificates.Select(Path.GetFileName)));
        }

        // Only now, with a node that needs certificates, is the CA (and so its key) looked for.
        var missing = "missing " + string.Join(", ", facts.MissingCertificates.Select(c => config.HostPath(c)));
        var ca = source is null ? null : await source.GetAsync(cancellationToken);
        if (ca is null)
        {
            return PreflightCheck.Fail("certificates", $"{missing}: a new node needs certificates signed by the cluster CA, and no CA was found",
                Pki.CertificateAuthorityLocator.WaysToSupply(config));
        }

        try
        {
            // Refuse a CA that cannot sign now, rather than after the snapshot was distributed.
            using var usable = Pki.EtcdCertificateBuilder.LoadCa(ca);
        }
        catch (ClusterCtlException e)
        {
            return PreflightCheck.Fail("certificates", $"{missing}: {e.Message}", Pki.CertificateAuthorityLocator.WaysToSupply(config));
        }

        _log.Information("{Host}: {Missing}; made from the cluster CA ({Source})", node.Host, missing, ca.Source);
        return PreflightCheck.Pass("certificates", $"{missing}: made from the cluster CA ({ca.Source}) before the point of no return");
    }

    private (PreflightCheck Check, string? Version) CheckEtcdVersion(HelperResult run, RestoreSource source)
    {
        var version = EtcdVersionText.Parse(run.Stdout);
        if (!run.Succeeded || version is null)
        {
            return (PreflightCheck.Fail("etcd version", $"'etcd --version' in {config.Etcd.Image} did not tell its version: {HelperResult.LastLineOf(run.Stderr + run.Stdout) ?? "no output"}",
                "use an etcd image of the snapshot's version (services.etcd.image)"), null);
        }

        if (!EtcdVersionText.Compatible(version, source.EtcdVersion))
        {
            return (PreflightCheck.Fail("etcd version", $"the image runs etcd {version}, the snapshot comes from etcd {source.EtcdVersion}",
                $"set services.etcd.image to an etcd {EtcdVersionText.MajorMinor(source.EtcdVersion)}.x image"), version);
        }

        return (PreflightCheck.Pass("etcd version", source.EtcdVersion is null ? $"{version} (snapshot's version unknown)" : $"{version}, snapshot from {source.EtcdVersion}"), version);
    }

    private async Task<(string State, EtcdContainerAction Action, IReadOnlyList<string> Differences)> CheckEtcdContainerAsync(NodeSession node, CancellationToken cancellationToken)
    {
        var existing = await node.Docker.InspectContainerAsync(EtcdContainerSpec.ContainerName, cancellationToken);
        if (existing is null)
        {
            return ("missing", EtcdContainerAction.Create, []);
        }

        var differences = EtcdContainerSpec.For(config, node.Node).DifferencesFrom(existing);
        return (existing.State.Status, differences.Count == 0 ? EtcdContainerAction.StartAsIs : EtcdContainerAction.Recreate, differences);
    }

    private static bool IsInPlace(RestoreSource source, PreflightFacts facts) =>
        facts.SnapshotSizeBytes is { } size && (source.DbSizeBytes <= 0 || size == source.DbSizeBytes);

    /// <summary>The restored data (about the db's size) plus, when it is not there yet, the snapshot copy itself.</summary>
    private static long RequiredBytes(RestoreSource source, PreflightFacts? facts) =>
        (facts is not null && IsInPlace(source, facts) ? 1 : 2) * Math.Max(0, source.DbSizeBytes) + DiskMarginBytes;

    private static string Bytes(long bytes) => bytes >= 1L << 30
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0} MiB");

}
