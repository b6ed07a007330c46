using ClusterCtl.Schedule;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterCtl.Cli.Commands.Etcd;

/// <summary>
/// Runs the scheduler as a hosted service of the .NET generic host. Started by systemd, the host tells it when the
/// service is ready and when it is stopping, and stops on SIGTERM; started any other way, it stops on Ctrl+C or SIGTERM.
/// </summary>
internal static class ScheduleHost
{
    /// <summary>Runs until a signal or <paramref name="stop"/> stops the host, and returns once the loop has ended.</summary>
    public static async Task RunAsync(SnapshotScheduler scheduler, CancellationToken stop)
    {
        // Empty: no configuration sources (the flags are parsed already) and no logging providers (Serilog writes
        // every line), so the host adds nothing to the output, not even its "Application started" notice.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.ClearProviders();
        builder.Services.AddSystemd();
        builder.Services.Configure<ConsoleLifetimeOptions>(options => options.SuppressStatusMessages = true);

        // --shutdown-grace bounds the stop already; the host's own 30 s limit would stop waiting for a tick that is
        // still removing its partial files and helpers, and the process would exit with them left behind.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = Timeout.InfiniteTimeSpan);
        builder.Services.AddHostedService(_ => scheduler);

        using var host = builder.Build();

        // Not given the stop token: a stop while the host starts ends the loop like any later one, with exit 0.
        await host.StartAsync(CancellationToken.None);
        await host.WaitForShutdownAsync(stop);

        // The host only logs a loop that failed, to no provider; bring the failure back to the exit code.
        if (scheduler.ExecuteTask is { } loop)
        {
            await loop;
        }
    }
}
