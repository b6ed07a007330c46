using System.Diagnostics;

namespace ClusterCtl.Tests.Cli;

/// <summary>A real shell run as a process, for the completion scripts: its exit code and output, within a bounded wait.</summary>
internal static class Shell
{
    public static bool IsInstalled(string shell) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, shell)));

    public static (int ExitCode, string Stdout, string Stderr) Run(string shell, params string[] args)
    {
        var start = new ProcessStartInfo(shell) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{shell} {string.Join(' ', args)} did not finish in 30 s");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
