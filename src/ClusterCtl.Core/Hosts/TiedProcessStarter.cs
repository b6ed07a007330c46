using System.Collections.Concurrent;
using System.Diagnostics;

namespace ClusterCtl.Hosts;

/// <summary>
/// Starts child processes that must not outlive clusterctl, even when it is killed with SIGKILL and runs no cleanup:
/// the ssh masters, which would otherwise keep the nodes' Docker sockets forwarded. The child is started through
/// util-linux's <c>setpriv --pdeathsig KILL</c>, so the kernel kills it when its parent goes. The kernel's "parent"
/// is the thread that forked, not the process, and .NET forks on the calling thread (often a thread-pool thread,
/// which retires when idle and would take the ssh with it); so every start happens on one dedicated thread that
/// lives as long as the process. Without a setpriv that knows --pdeathsig (macOS, util-linux before 2.33) the child
/// is started as is, and what a kill -9 leaves on disk is still removed by the next run.
/// </summary>
internal static class TiedProcessStarter
{
    private static readonly BlockingCollection<Action> Starts = [];
    private static readonly Lazy<string?> Setpriv = new(FindSetprivWithPdeathsig);

    static TiedProcessStarter()
    {
        var thread = new Thread(() =>
        {
            foreach (var start in Starts.GetConsumingEnumerable())
            {
                start();
            }
        })
        {
            IsBackground = true,
            Name = "clusterctl child starter",
        };
        thread.Start();
    }

    /// <summary>The command line that ties <paramref name="fileName"/> to this process, or the command as is when that is not possible here.</summary>
    public static IReadOnlyList<string> TiedCommand(string fileName, IReadOnlyList<string> arguments) =>
        Setpriv.Value is { } setpriv ? [setpriv, "--pdeathsig", "KILL", fileName, .. arguments] : [fileName, .. arguments];

    /// <summary>True when children started here die with clusterctl.</summary>
    public static bool Available => Setpriv.Value is not null;

    /// <summary>Runs <paramref name="start"/> (which starts the process from <see cref="TiedCommand"/>) on the dedicated thread.</summary>
    public static Task<Process> StartAsync(Func<Process> start)
    {
        ArgumentNullException.ThrowIfNull(start);
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Starts.Add(() =>
        {
            try
            {
                started.SetResult(start());
            }
            catch (Exception e)
            {
                started.SetException(e);
            }
        });
        return started.Task;
    }

    private static string? FindSetprivWithPdeathsig()
    {
        if (!OperatingSystem.IsLinux() || SshProcess.Locate("setpriv") is not { } setpriv)
        {
            return null;
        }

        try
        {
            // Older setprivs do not know the option; ask once rather than fail every connection.
            using var probe = Process.Start(new ProcessStartInfo(setpriv) { ArgumentList = { "--pdeathsig", "KILL", "true" }, UseShellExecute = false })!;
            return probe.WaitForExit(TimeSpan.FromSeconds(5)) && probe.ExitCode == 0 ? setpriv : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
