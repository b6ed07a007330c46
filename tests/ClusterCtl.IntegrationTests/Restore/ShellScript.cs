using System.Diagnostics;
using ClusterCtl.Docker;
using ClusterCtl.Restore;

namespace ClusterCtl.IntegrationTests.Restore;

/// <summary>Runs a helper's script with the local /bin/sh, the container paths pointed at temp directories.</summary>
internal static class ShellScript
{
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string script, string dataDirectory, string? snapshotDirectory = null) =>
        RunAsync(new HelperScript(script), dataDirectory, snapshotDirectory);

    /// <summary>The script with its variables in the environment, as a helper gets them.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(HelperScript helperScript, string dataDirectory, string? snapshotDirectory = null)
    {
        var script = helperScript.Text;
        var local = script.Replace(RestoreLayout.DataDirectoryInContainer, dataDirectory, StringComparison.Ordinal);
        if (snapshotDirectory is not null)
        {
            local = local.Replace("cd /backup", "cd " + snapshotDirectory, StringComparison.Ordinal);
        }

        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(local);
        foreach (var entry in helperScript.Environment)
        {
            var (name, value) = (entry[..entry.IndexOf('=', StringComparison.Ordinal)], entry[(entry.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
