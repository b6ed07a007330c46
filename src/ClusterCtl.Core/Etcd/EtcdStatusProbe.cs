using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Hosts;
using ClusterCtl.Services;
using ClusterCtl.Storage;

namespace ClusterCtl.Etcd;

/// <summary>
/// Learns the state of one etcd member: etcdctl endpoint status and health (see <see cref="EtcdctlRunner"/>: in the
/// etcd container while it runs, else in one-shot helpers, so that it works whatever that container is doing) and df.
/// </summary>
internal sealed class EtcdStatusProbe(ClusterConfig config, Serilog.ILogger logger)
{
    public const string EtcdContainerName = "etcd";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(10);

    private readonly EtcdctlRunner _etcdctl = new(config, logger);

    public async Task<EtcdMemberReport> ProbeAsync(NodeSession session, CancellationToken cancellationToken)
    {
        var node = session.Node;
        var container = await session.Docker.InspectContainerAsync(EtcdContainerName, cancellationToken);
        string[] own = [node.EtcdClientUrl];
        var statusTask = _etcdctl.RunAsync(session, "etcd-status", own, CommandTimeout, ["endpoint", "status", "-w", "json"], cancellationToken);
        var healthTask = _etcdctl.RunAsync(session, "etcd-health", own, CommandTimeout, ["endpoint", "health", "-w", "json"], cancellationToken);
        var diskTask = session.Helpers.RunAsync(NodeHelperSpecs.SnapshotShell(config, "disk-free", SnapshotDirectoryScripts.FreeSpace(), readOnly: true), cancellationToken);
        await Task.WhenAll(statusTask, healthTask, diskTask);

        var report = new EtcdMemberReport
        {
            Node = node.Address,
            Container = container?.State.Status ?? "missing",
            MemberName = node.EtcdMemberName,
            FreeSnapshotDiskBytes = diskTask.Result.Succeeded ? FreeSpace.ParseDfOutput(diskTask.Result.Stdout) : null,
        };

        var status = statusTask.Result;
        if (!status.Succeeded)
        {
            return report with { Problem = Problem(container, status) };
        }

        var endpoint = EtcdctlJson.ParseEndpointStatus(node.Address, status.Stdout) is [var s, ..] ? s : null;
        // etcdctl still prints the JSON verdict when it exits non-zero for an unhealthy member.
        var health = healthTask.Result.Stdout.TrimStart().StartsWith('[')
            && EtcdctlJson.ParseEndpointHealth(node.Address, healthTask.Result.Stdout) is [var h, ..] ? h : default;
        var healthy = endpoint is not null && health.Healthy;
        return report with
        {
            MemberId = endpoint is null ? null : EtcdEndpointStatus.FormatId(endpoint.MemberId),
            IsLeader = endpoint?.IsLeader ?? false,
            Version = endpoint?.Version,
            DbSizeBytes = endpoint?.DbSizeBytes,
            Revision = endpoint?.Revision,
            Healthy = healthy,
            Problem = healthy ? null : health.Error ?? healthTask.Result.LastErrorLine ?? "endpoint health failed",
        };
    }

    private static string Problem(ContainerDetails? container, HelperResult status) => container switch
    {
        null => "no etcd container on this node",
        { State.Running: false } => $"etcd container is {container.State.Status}",
        _ => status.LastErrorLine ?? $"etcdctl exited with code {status.ExitCode}",
    };

}
