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
    /// <summary>The native binary where CLUSTERCTL_EXECUTABLE names it (as test.sh does), else the build beside the tests.</summary>
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("CLUSTERCTL_EXECUTABLE") is { Length: > 0 } path ? path : Path.Combine(AppContext.BaseDirectory, "clusterctl");

    public static Task<CliResult> RunAsync(IEnumerable<string> args, IDictionary<string, string>? environment = null, TimeSpan? timeout = null, string? workingDirectory = null) =>
        RunExecutableAsync(ExecutablePath, args, environment, timeout, workingDirectory);

    /// <summary>Runs another clusterctl than the one under test, e.g. an installed package.</summary>
    public static async Task<CliResult> RunExecutableAsync(string executable, IEnumerable<string> args, IDictionary<string, string>? environment = null, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(executable)
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
    public static async Task<(CliResult Result, bool Interrupted)> RunAndInterruptAsync(IEnumerable<string> args, string interruptWhen, TimeSpan? timeout = null, int signal = 2)
    {
        var start = new ProcessStartInfo(ExecutablePath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = new System.Text.StringBuilder();
        var interrupted = false;
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        while (await process.StandardError.ReadLineAsync(cts.Token) is { } line)
        {
            stderr.AppendLine(line);
            if (!interrupted && line.Contains(interruptWhen, StringComparison.Ordinal))
            {
                interrupted = kill(process.Id, signal) == 0;
            }
        }

        await process.WaitForExitAsync(cts.Token);
        return (new CliResult(process.ExitCode, await stdout, stderr.ToString()), interrupted);
    }

    /// <summary>Sends a POSIX signal; 0 on success.</summary>
    public static int SendSignal(int pid, int signal) => kill(pid, signal);

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
#pragma warning disable CA5392, SYSLIB1054 // a test helper; the one libc call Process does not offer (SIGINT, SIGTERM)
    private static extern int kill(int pid, int signal);
#pragma warning restore CA5392, SYSLIB1054
}
