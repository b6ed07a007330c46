using System.Globalization;
using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Etcd;
using ClusterCtl.Hosts;
using ClusterCtl.IntegrationTests.Hosts;
using ClusterCtl.Restore;

namespace ClusterCtl.IntegrationTests.Restore;

/// <summary>
/// Makes the restore contract's precondition true, the way the distribute phase will: a raw <c>etcdctl snapshot
/// save</c> taken on the first etcd node straight into its &lt;data dir&gt;/restore-&lt;run&gt;/snapshot.db, then copied
/// through the archive endpoints into the same place on every other etcd node.
/// </summary>
internal static class SnapshotPlacement
{
    public static async Task<RestoreSource> SaveAndDistributeAsync(ClusterConfig config, ClusterSession session, CancellationToken cancellationToken)
    {
        var etcdNodes = config.EtcdNodes.Select(n => session.Nodes.Single(s => s.Node == n)).ToList();
        var source = etcdNodes[0];
        var scratch = $"{RestoreLayout.DataDirectoryInContainer}/{RestoreLayout.ScratchDirectoryName(session.RunId)}";
        var snapshot = RestoreLayout.SnapshotInScratchInContainer(session.RunId);

        await Task.WhenAll(etcdNodes.Select(n => n.Helpers.RunAndRequireSuccessAsync(
            RestoreHelperSpecs.DataShell(config, "test-mkdir", $"mkdir -p {scratch}"), cancellationToken)));

        var status = await source.Helpers.RunAndRequireSuccessAsync(
            EtcdHelperSpecs.Etcdctl(config, source.Node, "test-status", "endpoint", "status", "-w", "json"), cancellationToken);
        var endpoint = EtcdctlJson.ParseEndpointStatus("testbed", status.Stdout).Single();

        await source.Helpers.RunAndRequireSuccessAsync(
            EtcdHelperSpecs.Etcdctl(config, source.Node, "test-snapshot-save", "snapshot", "save", snapshot) with
            {
                Binds = [$"{config.KubernetesDirectory}:/etc/kubernetes:ro", RestoreLayout.DataDirectoryBind(config)],
            },
            cancellationToken);

        // The revision inside the file, read as a save reads it: etcd's current revision can be above its newest key's
        // (an empty store reports 1), and the revision a bumped restore starts at counts from the newest key.
        var fileStatus = await source.Helpers.RunAndRequireSuccessAsync(
            EtcdHelperSpecs.OfflineEtcdTool(config, "etcdctl", "test-snapshot-status", "snapshot", "status", snapshot, "-w", "json") with
            {
                Binds = [RestoreLayout.DataDirectoryBind(config, readOnly: true)],
            },
            cancellationToken);
        var revision = EtcdctlJson.ParseSnapshotStatus(source.Host, fileStatus.Stdout).Revision;

        await using var reader = await DataHelperAsync(config, source, "test-snapshot-read", cancellationToken);
        string sha256;
        long size;
        await using (var archive = await source.Docker.GetArchiveAsync(reader.Id, snapshot, cancellationToken))
        await using (var sink = new HashingSink())
        {
            var info = await TarStreams.ReadSingleFileAsync(archive, sink, cancellationToken);
            sha256 = sink.Sha256();
            size = info.Length;
        }

        await Task.WhenAll(etcdNodes.Skip(1).Select(async target =>
        {
            await using var writer = await DataHelperAsync(config, target, "test-snapshot-write", cancellationToken);
            await using var archive = await source.Docker.GetArchiveAsync(reader.Id, snapshot, cancellationToken);
            await target.Docker.PutArchiveAsync(writer.Id, scratch, archive, cancellationToken);
        }));

        return new RestoreSource(
            Name: "test-" + session.RunId,
            Sha256: sha256,
            Revision: revision,
            EtcdVersion: endpoint.Version,
            DbSizeBytes: size);
    }

    private static Task<RunningHelper> DataHelperAsync(ClusterConfig config, NodeSession node, string purpose, CancellationToken cancellationToken) =>
        node.Helpers.StartAsync(RestoreHelperSpecs.DataShell(config, purpose, "trap 'exit 0' TERM; sleep 600 & wait"), cancellationToken);

    /// <summary>The revision the testbed's node 1 reports now (its own member).</summary>
    public static async Task<long> RevisionAsync(int node)
    {
        var json = await Testbed.RunAsync("etcdctl", node.ToString(CultureInfo.InvariantCulture), "endpoint", "status", "-w", "json");
        return EtcdctlJson.ParseEndpointStatus("testbed", json).Single().Revision;
    }
}
