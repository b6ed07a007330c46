using System.Diagnostics;
using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Hosts;
using Serilog;

namespace ClusterCtl.Etcd;

/// <summary>
/// Looks at all etcd members at once through one-shot etcdctl helpers (so it works whatever state the etcd
/// containers are in), and waits for "every member started, exactly one leader, every endpoint healthy, revision
/// at least N".
/// </summary>
internal sealed class EtcdClusterHealth(ClusterConfig config, ILogger logger)
{
    // Short: each poll is itself a round of helpers (a few hundred ms), and a restore waits on nothing else here.
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>A healthy member answers in milliseconds; one that is down would otherwise hold every poll for etcdctl's 10 s.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(4);

    /// <summary>One observation must not hang on a member that does not answer: etcdctl's own timeouts are shorter.</summary>
    private static readonly TimeSpan ObservationTimeout = TimeSpan.FromSeconds(45);

    public async Task<EtcdClusterObservation> ObserveAsync(IReadOnlyList<NodeSession> etcdNodes, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ObservationTimeout);
        // The member list is asked of the first node alongside the probes, not after them: each round of helpers costs
        // a container start per node. Only when that node cannot answer are the others asked, one after another.
        var firstList = etcdNodes.Count == 0 ? null : RunQuietlyAsync(etcdNodes[0], "restore-members", timeout.Token, "member", "list", "-w", "json");
        var members = await Task.WhenAll(etcdNodes.Select(node => ObserveMemberAsync(node, timeout.Token)));
        var first = firstList is null ? null : await firstList;
        cancellationToken.ThrowIfCancellationRequested();
        var list = first is { Succeeded: true } ? TryParse(() => EtcdctlJson.ParseMemberList(first.Stdout)) : null;
        foreach (var node in etcdNodes.Skip(1).Where(n => list is null && members.Any(m => m.Host == n.Host && m.Status is not null)))
        {
            var result = await RunQuietlyAsync(node, "restore-members", timeout.Token, "member", "list", "-w", "json");
            if (result is { Succeeded: true } && TryParse(() => EtcdctlJson.ParseMemberList(result.Stdout)) is { } parsed)
            {
                list = parsed;
                break;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new EtcdClusterObservation(members, list, etcdNodes.Count);
    }

    /// <summary>
    /// Polls until the cluster is healthy with a revision of at least <paramref name="minimumRevision"/>, and returns
    /// that observation; throws <see cref="ClusterCtlException"/> naming what was still wrong when <paramref name="timeout"/> ran out.
    /// </summary>
    public async Task<EtcdClusterObservation> WaitHealthyAsync(
        IReadOnlyList<NodeSession> etcdNodes, long minimumRevision, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string? lastProblem = null;
        while (true)
        {
            var observation = await ObserveAsync(etcdNodes, cancellationToken);
            var problem = observation.Problem(minimumRevision);
            if (problem is null)
            {
                logger.Information("[etcd] Cluster healthy after {Seconds:0.0} s: {Members} members started, one leader, revision {Revision}",
                    clock.Elapsed.TotalSeconds, observation.Members.Count, observation.MinimumRevision);
                return observation;
            }

            if (problem != lastProblem)
            {
                logger.Information("[etcd] Waiting for a healthy cluster: {Problem}", problem);
                lastProblem = problem;
            }

            if (clock.Elapsed + PollInterval > timeout)
            {
                throw new ClusterCtlException(
                    $"etcd did not become healthy within {timeout.TotalSeconds:0} s: {problem}; check 'docker logs etcd' on that node, or raise the timeout (backup_config.timeout)");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private async Task<EtcdMemberObservation> ObserveMemberAsync(NodeSession node, CancellationToken cancellationToken)
    {
        var statusTask = RunQuietlyAsync(node, "restore-status", cancellationToken, "endpoint", "status", "-w", "json");
        var healthTask = RunQuietlyAsync(node, "restore-health", cancellationToken, "endpoint", "health", "-w", "json");
        var status = await statusTask;
        var health = await healthTask;
        if (status is null || health is null)
        {
            return new EtcdMemberObservation(node.Host, null, false, "could not run etcdctl on the node");
        }

        var endpoint = status.Succeeded && TryParse(() => EtcdctlJson.ParseEndpointStatus(status.Stdout)) is [var s, ..] ? s : null;
        // etcdctl prints the JSON verdict even when it exits non-zero for an unhealthy member.
        var verdict = health.Stdout.TrimStart().StartsWith('[') && TryParse(() => EtcdctlJson.ParseEndpointHealth(health.Stdout)) is [var h, ..] ? h : default;
        var healthy = endpoint is not null && verdict.Healthy;
        var problem = healthy ? null : verdict.Error ?? (status.Succeeded ? health : status).LastErrorLine ?? "not healthy";
        return new EtcdMemberObservation(node.Host, endpoint, healthy, problem);
    }

    /// <summary>A failing helper is an observation ("not healthy yet"), not an error; only the caller's cancellation escapes.</summary>
    private async Task<HelperResult?> RunQuietlyAsync(NodeSession node, string purpose, CancellationToken cancellationToken, params string[] args)
    {
        try
        {
            return await node.Helpers.RunAsync(EtcdHelperSpecs.Etcdctl(config, node.Node, purpose, ProbeTimeout, args), cancellationToken);
        }
        catch (Exception e) when (e is ClusterCtlException or OperationCanceledException)
        {
            // Includes the observation's own timeout; the caller's cancellation is checked once the observation is done.
            logger.Debug("[etcd] {Host}: etcdctl {Purpose} failed: {Error}", node.Host, purpose, e.Message);
            return null;
        }
    }

    private static T? TryParse<T>(Func<T> parse)
        where T : class
    {
        try
        {
            return parse();
        }
        catch (Exception e) when (e is FormatException or KeyNotFoundException or InvalidOperationException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

}
