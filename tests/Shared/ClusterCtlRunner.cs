using System.Diagnostics;

namespace ClusterCtl.Testing;

/// <summary>The result of running the real clusterctl executable.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public IReadOnlyList<string> StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs clusterctl as a user would: a separate process, its exit code, stdout and stderr.</summary>
internal static class ClusterCtlRunner
{
    public static string ExecutablePath => Path.Combine(AppContext.BaseDirectory, "clusterctl");

    public static async Task<CliResult> RunAsync(IEnumerable<string> args, IDictionary<string, string>? environment = null, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"clusterctl {string.Join(' ', start.ArgumentList)} did not finish in time\n{await stderr}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(args, null);

    /// <summary>
    /// Runs clusterctl and sends it <paramref name="signal"/> (default SIGINT, as Ctrl+C does; 15 for SIGTERM, as systemd does)
    /// once a stderr line contains <paramref name="interruptWhen"/>.
    /// </summary>
    public static Task<(CliResult Result, bool Interrupted)> RunAndInterruptAsync(IEnumerable<string> args, string interruptWhen, TimeSpan? timeout = null, int signal = 2) =>
        RunAndActAsync(args, interruptWhen, pid => Task.FromResult(kill(pid, signal) == 0), timeout);

    /// <summary>
    /// Runs clusterctl and, once a stderr line contains <paramref name="when"/>, runs <paramref name="act"/> with its
    /// process id (a fault injected at that moment) while clusterctl goes on. Acted: whether the action ran and said so.
    /// </summary>
    public static async Task<(CliResult Result, bool Acted)> RunAndActAsync(IEnumerable<string> args, string when, Func<int, Task<bool>> act, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(ExecutablePath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = new System.Text.StringBuilder();
        var acted = false;
        var matched = false;
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        while (await process.StandardError.ReadLineAsync(cts.Token) is { } line)
        {
            stderr.AppendLine(line);
            if (!matched && line.Contains(when, StringComparison.Ordinal))
            {
                matched = true;
                acted = await act(process.Id);
            }
        }

        await process.WaitForExitAsync(cts.Token);
        return (new CliResult(process.ExitCode, await stdout, stderr.ToString()), acted);
    }

    /// <summary>Sends a POSIX signal; 0 on success.</summary>
    public static int SendSignal(int pid, int signal) => kill(pid, signal);

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
#pragma warning disable CA5392, SYSLIB1054 // a test helper; the one libc call Process does not offer (SIGINT, SIGTERM)
    private static extern int kill(int pid, int signal);
#pragma warning restore CA5392, SYSLIB1054
}
