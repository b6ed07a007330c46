using System.Diagnostics;
using ClusterCtl.Docker;
using ClusterCtl.Hosts;

namespace ClusterCtl.Restore;

/// <summary>
/// Phase 8: on every reachable node, start kube-apiserver (control-plane nodes, now that etcd is healthy), and as soon
/// as docker has started it, restart kube-controller-manager, kube-scheduler, kubelet and kube-proxy wherever they
/// exist, and every running flannel or calico container except the k8s_POD_ pause containers. Waits until all of them
/// run. What could not be (re)started is returned as manual steps, not thrown: etcd is already restored.
/// Runs after the point of no return, so it takes no CancellationToken: Ctrl+C is held until the cluster is
/// restored or rolled back, and every wait has its own time limit instead.
/// </summary>
internal static class RestartComponentsPhase
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static async Task<IReadOnlyList<ManualStep>> RunAsync(RestoreRun run) =>
        [.. (await Task.WhenAll(run.Session.Nodes.Select(node => RunOnNodeAsync(run, node)))).SelectMany(steps => steps)];

    private static async Task<List<ManualStep>> RunOnNodeAsync(RestoreRun run, NodeSession node)
    {
        // kube-apiserver's start ends the cluster's downtime. Started together with six restarts, it queued behind them
        // on a busy host; the restarts wait only for docker to have started it, not for it to be seen running.
        var apiserverStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var apiserver = node.Node.IsControlPlane ? StartApiserverAsync(run, node, apiserverStarted) : Task.FromResult(new List<ManualStep>());
        await Task.WhenAny(apiserverStarted.Task, apiserver);
        var restarted = await RestartOnNodeAsync(run, node);
        return [.. restarted, .. await apiserver];
    }

    private static async Task<List<ManualStep>> RestartOnNodeAsync(RestoreRun run, NodeSession node)
    {
        var failures = new List<ManualStep>();
        IReadOnlyList<ContainerSummary> containers;
        try
        {
            containers = await node.Docker.ListContainersAsync(all: true, filters: null, CancellationToken.None);
        }
        catch (DockerException e)
        {
            run.Logger.Error("{Host}: cannot list containers to restart: {Error}", node.Host, e.Message);
            return [new ManualStep(node.Host, $"docker restart {string.Join(' ', KubeComponents.Restarted)} (and the flannel/calico containers)")];
        }

        var targets = containers
            .Where(c => KubeComponents.Restarted.Contains(c.Name) || (c.State == "running" && KubeComponents.IsNetworkPlugin(c.Name)))
            .ToList();
        var results = await Task.WhenAll(targets.Select(c => RestartAsync(run, node, c.Id, c.Name, "restarted", start: false)));
        failures.AddRange(results.OfType<ManualStep>());
        return failures;
    }

    private static async Task<List<ManualStep>> StartApiserverAsync(RestoreRun run, NodeSession node, TaskCompletionSource started)
    {
        try
        {
            var apiserver = await node.Docker.InspectContainerAsync(KubeComponents.Apiserver, CancellationToken.None);
            if (apiserver is null)
            {
                return [];
            }

            return await RestartAsync(run, node, apiserver.Id, KubeComponents.Apiserver, "started", start: true, started) is { } failure ? [failure] : [];
        }
        catch (DockerException e)
        {
            run.Logger.Error("{Host}: cannot start {Container}: {Error}", node.Host, KubeComponents.Apiserver, e.Message);
            return [new ManualStep(node.Host, $"docker start {KubeComponents.Apiserver}") { Container = KubeComponents.Apiserver }];
        }
    }

    /// <summary>(Re)starts one container and waits until it runs with a new start time; a failure becomes the step that fixes it.</summary>
    /// <param name="issued">Completed once docker has (re)started it, before it is seen running.</param>
    private static async Task<ManualStep?> RestartAsync(RestoreRun run, NodeSession node, string id, string name, string action, bool start, TaskCompletionSource? issued = null)
    {
        try
        {
            var before = (await node.Docker.InspectContainerAsync(id, CancellationToken.None))?.State.StartedAt ?? DateTimeOffset.MinValue;
            if (start)
            {
                await node.Docker.StartContainerAsync(id, CancellationToken.None);
            }
            else
            {
                await node.Docker.RestartContainerAsync(id, RestoreRun.StopTimeout, CancellationToken.None);
            }

            issued?.TrySetResult();

            var clock = Stopwatch.StartNew();
            var state = await Polling.UntilAsync(
                async _ => (await node.Docker.InspectContainerAsync(id, CancellationToken.None))?.State,
                IsUp, PollInterval, run.Options.ComponentTimeout, CancellationToken.None);
            if (IsUp(state))
            {
                run.Restarted.Enqueue(new RestartedContainer(node.Host, name, action, state!.StartedAt));
                run.Logger.Information("{Host}: {Action} {Container}", node.Host, action, name);
                return null;
            }

            run.Logger.Error("{Host}: {Container} is not running {Seconds:0} s after it was {Action} ({State})",
                node.Host, name, clock.Elapsed.TotalSeconds, action, state?.Status ?? "gone");
            return new ManualStep(node.Host, $"docker start {name}   # then check 'docker logs {name}'") { Container = name };

            // A start of a container that already ran keeps its StartedAt: running is enough then.
            bool IsUp(ContainerState? s) => s is { Running: true } && (s.StartedAt > before || (start && before == s.StartedAt));
        }
        catch (DockerException e)
        {
            run.Logger.Error("{Host}: could not restart {Container}: {Error}", node.Host, name, e.Message);
            return new ManualStep(node.Host, $"docker {(start ? "start" : "restart")} {name}") { Container = name };
        }
    }
}
