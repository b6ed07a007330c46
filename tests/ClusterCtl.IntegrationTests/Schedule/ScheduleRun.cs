using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Schedule;

/// <summary>snapshot-schedule running against the testbed as a separate process, with its metrics endpoint on a free port.</summary>
internal sealed partial class ScheduleRun : IAsyncDisposable
{
    public const string Succeeded = "Tick Succeeded";
    public const string Failed = "Tick Failed";
    public const string Skipped = "Tick Skipped";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private ScheduleRun(ClusterCtlProcess process, int port)
    {
        Process = process;
        MetricsPort = port;
    }

    public ClusterCtlProcess Process { get; }

    public int MetricsPort { get; }

    public static ScheduleRun Start(params string[] args)
    {
        var port = FreePort();
        var process = ClusterCtlProcess.Start(
        [
            "etcd", "snapshot-schedule", "--config", Testbed.ClusterYml, "--known-hosts", Testbed.NewKnownHostsFile(),
            "--metrics-listen", $"127.0.0.1:{port}", .. args,
        ]);
        return new ScheduleRun(process, port);
    }

    /// <summary>The names of the snapshots of the ticks that succeeded so far, with their copy counts.</summary>
    public IReadOnlyList<(string Name, int Copies)> SucceededTicks() =>
        Process.Lines.Select(l => SucceededLine().Match(l)).Where(m => m.Success)
            .Select(m => (m.Groups["name"].Value, int.Parse(m.Groups["copies"].Value, System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();

    public Task<IReadOnlyList<string>> WaitForTicksAsync(string outcome, int count, TimeSpan timeout) =>
        Process.WaitForLinesAsync(outcome, count, timeout);

    public async Task<IReadOnlyDictionary<string, double>> MetricsAsync()
    {
        var text = await Http.GetStringAsync(new Uri($"http://127.0.0.1:{MetricsPort}/metrics"));
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith('#'))
            .Select(l => l.Split(' '))
            .ToDictionary(p => p[0], p => double.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);
    }

    public async Task<HttpStatusCode> HealthAsync()
    {
        using var response = await Http.GetAsync(new Uri($"http://127.0.0.1:{MetricsPort}/healthz"));
        return response.StatusCode;
    }

    /// <summary>SIGTERM, as systemd sends it, and the exit that must follow within the grace period.</summary>
    public Task<CliResult> StopAsync(TimeSpan timeout)
    {
        Process.Signal(ClusterCtlProcess.SigTerm);
        return Process.WaitForExitAsync(timeout);
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"Tick Succeeded: (?<name>\S+) in .*?, (?<copies>\d+) copies")]
    private static partial Regex SucceededLine();
}
