using ClusterCtl.Docker;
using ClusterCtl.Restore;
using ClusterCtl.Services;

namespace ClusterCtl.IntegrationTests.Restore;

/// <summary>
/// Runs a helper's script where helpers run: in the testbed's busybox image on node 1's dockerd, with its values in
/// the environment and the given directories mounted where helpers mount the data dir and the snapshot dir. So a
/// script meets busybox's sh, mv, stat and df, not this machine's.
/// </summary>
internal static class NodeShell
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(HelperScript script, string dataDirectory, string? snapshotDirectory = null)
    {
        List<string> args = ["docker", "1", "run", "--rm", "--network", "none", "-v", $"{dataDirectory}:{RestoreLayout.DataDirectoryInContainer}"];
        if (snapshotDirectory is not null)
        {
            args.AddRange(["-v", $"{snapshotDirectory}:{NodeHelperSpecs.SnapshotDirectoryInContainer}"]);
        }

        foreach (var variable in script.Environment)
        {
            args.AddRange(["-e", variable]);
        }

        args.AddRange([Testbed.Env["TB_BUSYBOX_IMAGE"], "sh", "-c", script.Text]);
        return await Testbed.TryRunAsync([.. args]);
    }
}
