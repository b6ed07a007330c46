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
/// <c>clusterctl etcd cleanup</c>: removes what restores and snapshots leave behind, through a cleaner helper per
/// etcd node: pre-restore-* directories beyond the newest N, failed-restore-* and restore-* scratch directories,
/// temporary snapshot files (dot files, *.partial, *.tmp), restore drills' scratch directories (.verify-*), replaced etcd containers (etcd-old-*) once an etcd runs,
/// and the helper containers of earlier runs (removed as the session attaches, listed here).
/// </summary>
internal sealed class EtcdCleaner(ClusterConfig config, ILogger logger)
{
    // Handed on as it came: the parts this class calls log under their own scope, or none.
    private readonly ILogger _logger = logger;
    private readonly ILogger _log = logger.ForScope("cleanup");

    private const string SnapshotMount = NodeHelperSpecs.SnapshotDirectoryInContainer;

    /// <summary>
    /// The cleaner's script (<c>Scripts/etcd-cleaner.sh</c>): prints one "item&lt;TAB&gt;kind&lt;TAB&gt;KiB&lt;TAB&gt;where&lt;TAB&gt;name"
    /// line per removal (where = data or snapshots), read by <see cref="ParseItems"/>; with <paramref name="dryRun"/> it
    /// only prints. A keep of 0 still keeps the newest pre-restore dir when the node has no <c>member</c> directory or its
    /// etcd is not running (<paramref name="etcdRunning"/>): that dir may then be the only copy of the node's data. The
    /// script says so in a "kept&lt;TAB&gt;name&lt;TAB&gt;reason" line.
    /// </summary>
    public static HelperScript Script(int keepPreRestore, bool dryRun, bool etcdRunning)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keepPreRestore);
        return HelperScript.FromResource("etcd-cleaner.sh",
        [
            ("DATA_DIR", RestoreLayout.DataDirectoryInContainer),
            ("SNAPSHOT_DIR", SnapshotMount),
            ("KEEP", keepPreRestore.ToString(CultureInfo.InvariantCulture)),
            ("DRY_RUN", dryRun ? "yes" : "no"),
            ("ETCD_RUNNING", etcdRunning ? "yes" : "no"),
            ("PRE_RESTORE_PREFIX", RestoreLayout.PreRestorePrefix),
            ("FAILED_RESTORE_PREFIX", RestoreLayout.FailedRestorePrefix),
            ("SCRATCH_PREFIX", RestoreLayout.ScratchPrefix),
            ("DRILL_SCRATCH_PREFIX", RestoreLayout.DrillScratchPrefix),
        ]);
    }

    public async Task<CleanupReport> CleanAsync(ClusterSession session, int keepPreRestore, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentOutOfRangeException.ThrowIfNegative(keepPreRestore);
        var items = new List<CleanupItem>();
        var problems = session.Unreachable.Select(u => $"{u.Key.Address}: {u.Value.Message}").ToList();

        foreach (var node in session.Nodes)
        {
            items.AddRange(session.RemovedLeftoverHelpers.GetValueOrDefault(node.Host, []).Select(name => new CleanupItem(node.Host, "helper container", name, null)));
        }

        var perNode = await Task.WhenAll(session.Nodes.Select(async node =>
        {
            var found = new List<CleanupItem>();
            try
            {
                if (dryRun)
                {
                    found.AddRange(await LeftoverHelpersAsync(node, session.Options.ForceUnlock, cancellationToken));
                }

                if (node.Node.IsEtcd)
                {
                    var etcdRunning = await RunningEtcdContainer.FindAsync(node, _logger, cancellationToken) is not null;
                    found.AddRange(await CleanDirectoriesAsync(node, keepPreRestore, dryRun, etcdRunning, cancellationToken));
                    found.AddRange(await CleanReplacedEtcdAsync(node, dryRun, etcdRunning, cancellationToken));
                }

                return (found, (string?)null);
            }
            catch (ClusterCtlException e)
            {
                return (found, $"{node.Host}: {e.Message}");
            }
        }));

        items.AddRange(perNode.SelectMany(r => r.found));
        problems.AddRange(perNode.Select(r => r.Item2).OfType<string>());
        foreach (var item in items)
        {
            _log.Information("{Host}: {Action} {Kind} {Path}", item.Host, dryRun ? "would remove" : "removed", item.Kind, item.Path);
        }

        foreach (var problem in problems)
        {
            _log.Error("{Problem}", problem);
        }

        return new CleanupReport(dryRun, items, problems);
    }

    private async Task<IEnumerable<CleanupItem>> CleanDirectoriesAsync(NodeSession node, int keep, bool dryRun, bool etcdRunning, CancellationToken cancellationToken)
    {
        var spec = RestoreHelperSpecs.DataShell(config, "etcd-cleaner", Script(keep, dryRun, etcdRunning)) with
        {
            Binds = [RestoreLayout.DataDirectoryBind(config, readOnly: dryRun), $"{config.SnapshotDirectory}:{SnapshotMount}{(dryRun ? ":ro" : "")}"],
        };
        var result = await node.Helpers.RunAsync(spec, cancellationToken);
        var items = ParseItems(node.Host, result.Stdout).ToList();
        foreach (var line in result.Stdout.Split('\n'))
        {
            if (line.TrimEnd('\r').Split('\t') is ["kept", var name, var why])
            {
                _log.Warning("{Host}: keeping {Path} although --keep-pre-restore is 0: {Reason}, so it may be the only copy of this node's data",
                    node.Host, config.EtcdDataDirectory.TrimEnd('/') + "/" + name, why);
            }
        }

        if (!result.Succeeded)
        {
            throw new HelperFailedException(node.Host, result.ContainerName, result.ExitCode, result.Stderr);
        }

        return items;
    }

    /// <summary>The lines the script printed, as host paths.</summary>
    public IEnumerable<CleanupItem> ParseItems(string host, string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        foreach (var line in stdout.Split('\n'))
        {
            var fields = line.TrimEnd('\r').Split('\t');
            if (fields is ["item", var kind, var kib, var where, var name])
            {
                var directory = where == "snapshots" ? config.SnapshotDirectory : RestoreLayout.HostDataDirectory(config);
                long? size = long.TryParse(kib, NumberStyles.None, CultureInfo.InvariantCulture, out var k) ? k * 1024 : null;
                yield return new CleanupItem(host, kind, directory.TrimEnd('/') + "/" + name, size);
            }
        }
    }

    /// <summary>etcd-old-* containers a restore kept (it removes them itself once etcd is healthy; a crash may leave one), only while an etcd runs.</summary>
    private async Task<IEnumerable<CleanupItem>> CleanReplacedEtcdAsync(NodeSession node, bool dryRun, bool etcdRunning, CancellationToken cancellationToken)
    {
        var filters = new Dictionary<string, IReadOnlyList<string>> { ["name"] = ["^/" + RestoreLayout.OldEtcdContainerPrefix] };
        var old = (await node.Docker.ListContainersAsync(all: true, filters, cancellationToken))
            .Where(c => c.Name.StartsWith(RestoreLayout.OldEtcdContainerPrefix, StringComparison.Ordinal))
            .ToList();
        if (old.Count == 0)
        {
            return [];
        }

        if (!etcdRunning)
        {
            _log.Warning("{Host}: keeping {Containers}: no etcd container is running, so it may still be needed", node.Host, string.Join(", ", old.Select(c => c.Name)));
            return [];
        }

        foreach (var container in old.Where(_ => !dryRun))
        {
            await node.Docker.RemoveContainerAsync(container.Id, force: true, cancellationToken);
        }

        return old.Select(c => new CleanupItem(node.Host, "replaced etcd container", c.Name, null));
    }

    /// <summary>What a cleanup that takes the lock would remove: the same rule as its sweep.</summary>
    private static async Task<IEnumerable<CleanupItem>> LeftoverHelpersAsync(NodeSession node, bool includeLiveReadOnlyRuns, CancellationToken cancellationToken)
    {
        var filters = new Dictionary<string, IReadOnlyList<string>> { ["label"] = [HelperLabels.Helper] };
        var helpers = await node.Docker.ListContainersAsync(all: true, filters, cancellationToken);
        return helpers
            .Where(h => node.Helpers.IsLeftover(h, includeLiveReadOnlyRuns))
            .Select(h => new CleanupItem(node.Host, "helper container", h.Name, null));
    }
}
