using System.Diagnostics;
using ClusterCtl.Restore;

namespace ClusterCtl.Tests.Restore;

/// <summary>Runs a helper's script with the local /bin/sh, the container paths pointed at temp directories.</summary>
internal static class ShellScript
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string script, string dataDirectory, string? snapshotDirectory = null)
    {
        var local = script.Replace(RestoreLayout.DataDirectoryInContainer, dataDirectory, StringComparison.Ordinal);
        if (snapshotDirectory is not null)
        {
            local = local.Replace("cd /backup", "cd " + snapshotDirectory, StringComparison.Ordinal);
        }

        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(local);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
