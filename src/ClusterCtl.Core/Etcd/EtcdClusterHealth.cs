using System.Diagnostics;
using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Hosts;
using ClusterCtl.Logging;
using Serilog;

namespace ClusterCtl.Etcd;

/// <summary>
/// Looks at all etcd members at once and waits for "every member started, exactly one leader, every endpoint healthy,
/// revision at least N". Each look is three etcdctl questions (endpoint status, endpoint health, member list), each
/// asked of every member from a different node, so that no one host runs them all; see <see cref="EtcdctlRunner"/> for
/// where etcdctl runs (it works whatever state the etcd containers are in).
/// </summary>
internal sealed class EtcdClusterHealth(ClusterConfig config, ILogger logger)
{
    private readonly ILogger _log = logger.ForScope("etcd");

    // Short: a poll is itself a few hundred ms of etcdctl, and a restore waits on nothing else here.
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>A healthy member answers in milliseconds; one that is down would otherwise hold every poll for etcdctl's 10 s.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(4);

    /// <summary>One observation must not hang on a member that does not answer: etcdctl's own timeouts are shorter.</summary>
    private static readonly TimeSpan ObservationTimeout = TimeSpan.FromSeconds(45);

    private readonly EtcdctlRunner _etcdctl = new(config, logger);

    public async Task<EtcdClusterObservation> ObserveAsync(IReadOnlyList<NodeSession> etcdNodes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(etcdNodes);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ObservationTimeout);
        var endpoints = etcdNodes.Select(n => n.Node.EtcdClientUrl).ToList();
        var statusTask = AskAsync(etcdNodes, 0, "restore-status", endpoints, ["endpoint", "status", "-w", "json"], timeout.Token);
        var healthTask = AskAsync(etcdNodes, 1, "restore-health", endpoints, ["endpoint", "health", "-w", "json"], timeout.Token);
        var listTask = AskAsync(etcdNodes, 2, "restore-members", endpoints, ["member", "list", "-w", "json"], timeout.Token);
        var (status, health, list) = (await statusTask, await healthTask, await listTask);
        cancellationToken.ThrowIfCancellationRequested();

        // etcdctl prints the members that answered even when it exits non-zero for one that did not.
        var statuses = Statuses(status);
        var verdicts = health is { } answer && answer.Result.Stdout.TrimStart().StartsWith('[') ? TryParse(() => EtcdctlJson.ParseEndpointHealth(answer.Host, answer.Result.Stdout)) ?? [] : [];
        var members = etcdNodes.Select(node =>
        {
            var endpoint = node.Node.EtcdClientUrl;
            var memberStatus = statuses.FirstOrDefault(s => s.Endpoint == endpoint);
            var verdict = verdicts.FirstOrDefault(v => v.Endpoint == endpoint);
            var healthy = memberStatus is not null && verdict.Healthy;
            var problem = healthy ? null
                : status is null || health is null ? "could not run etcdctl on any etcd node"
                : verdict.Error ?? ErrorAbout(endpoint, memberStatus is null ? status.Value.Result : health.Value.Result) ?? "not healthy";
            return new EtcdMemberObservation(node.Host, memberStatus, healthy, problem);
        }).ToList();
        var memberList = list is { Result.Succeeded: true } ? TryParse(() => EtcdctlJson.ParseMemberList(list.Value.Host, list.Value.Result.Stdout)) : null;
        return new EtcdClusterObservation(members, memberList, etcdNodes.Count);
    }

    /// <summary>The host whose member is the leader, from one <c>endpoint status</c> of every member; null when none says it leads.</summary>
    public async Task<string?> FindLeaderAsync(IReadOnlyList<NodeSession> etcdNodes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(etcdNodes);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ObservationTimeout);
        var endpoints = etcdNodes.Select(n => n.Node.EtcdClientUrl).ToList();
        var status = await AskAsync(etcdNodes, 0, "restore-status", endpoints, ["endpoint", "status", "-w", "json"], timeout.Token);
        cancellationToken.ThrowIfCancellationRequested();
        var leader = Statuses(status).FirstOrDefault(s => s.IsLeader);
        return etcdNodes.FirstOrDefault(n => n.Node.EtcdClientUrl == leader?.Endpoint)?.Host;
    }

    /// <summary>
    /// Polls until the cluster is healthy with a revision of at least <paramref name="minimumRevision"/>, and returns
    /// that observation (and, with <paramref name="memberIds"/>, exactly those member ids); throws
    /// <see cref="ClusterCtlException"/> naming what was still wrong when <paramref name="timeout"/> ran out.
    /// </summary>
    public async Task<EtcdClusterObservation> WaitHealthyAsync(
        IReadOnlyList<NodeSession> etcdNodes, long minimumRevision, IReadOnlyCollection<ulong>? memberIds, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string? lastProblem = null;
        var (observation, problem) = await Polling.UntilAsync(
            async ct =>
            {
                var observed = await ObserveAsync(etcdNodes, ct);
                var problem = observed.Problem(minimumRevision, memberIds);
                if (problem is not null && problem != lastProblem)
                {
                    _log.Information("Waiting for a healthy cluster: {Problem}", problem);
                    lastProblem = problem;
                }

                return (observed, problem);
            },
            answer => answer.problem is null, PollInterval, timeout, cancellationToken);
        if (problem is not null)
        {
            throw new ClusterCtlException(
                $"etcd did not become healthy within {timeout.TotalSeconds:0} s: {problem}; check 'docker logs etcd' on that node, or raise the timeout (backup_config.timeout)");
        }

        _log.Information("Cluster healthy after {Seconds:0.0} s: {Members} members started, one leader, revision {Revision}",
            clock.Elapsed.TotalSeconds, observation.Members.Count, observation.MinimumRevision);
        return observation;
    }

    /// <summary>
    /// Asks from the node at <paramref name="first"/> (wrapping), and from the next one whenever etcdctl cannot run
    /// there at all (docker trouble on that host). An answer that says members are down is an answer. Null: no node could ask.
    /// </summary>
    /// <summary>etcdctl's answer and the node it ran on; null when it could not run anywhere.</summary>
    private async Task<(string Host, HelperResult Result)?> AskAsync(
        IReadOnlyList<NodeSession> nodes, int first, string purpose, IReadOnlyList<string> endpoints, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[(first + i) % nodes.Count];
            try
            {
                return (node.Host, await _etcdctl.RunAsync(node, purpose, endpoints, ProbeTimeout, args, cancellationToken));
            }
            catch (ClusterCtlException e)
            {
                _log.Debug("{Host}: etcdctl {Purpose} failed: {Error}", node.Host, purpose, e.Message);
            }
            catch (OperationCanceledException)
            {
                // The observation's own timeout, or the caller's, which the caller checks once the observation is done.
                return null;
            }
        }

        return null;
    }

    private IReadOnlyList<EtcdEndpointStatus> Statuses((string Host, HelperResult Result)? status) =>
        status is not { } answer ? [] : TryParse(() => EtcdctlJson.ParseEndpointStatus(answer.Host, answer.Result.Stdout)) ?? [];

    /// <summary>etcdctl's line about one endpoint, e.g. "Failed to get the status of endpoint https://… (context deadline exceeded)".</summary>
    private static string? ErrorAbout(string endpoint, HelperResult result) =>
        result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(l => l.Contains(endpoint, StringComparison.Ordinal) && !l.StartsWith('{'))
        ?? result.LastErrorLine;

    /// <summary>An answer that cannot be read counts as no answer: the observation says the members are not healthy.</summary>
    private T? TryParse<T>(Func<T> parse)
        where T : class
    {
        try
        {
            return parse();
        }
        catch (EtcdctlAnswerException e)
        {
            _log.Debug("{Error}", e.Message);
            return null;
        }
    }

}
