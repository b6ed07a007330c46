using ClusterCtl.Restore;

namespace ClusterCtl.IntegrationTests.Restore;

/// <summary>
/// A hostile certificate path given to the preflight facts script, run for real in a node's busybox: the path's shell
/// code does not run. (That no node value reaches any script's text is checked without a shell in the unit tests.)
/// </summary>
public class HostileConfigValuesInShellTests
{
    private const string Run = "20261205T120000-0a1b2c3d";

    [Test]
    public async Task The_preflight_facts_script_runs_no_code_from_a_certificate_path()
    {
        var data = Directory.CreateTempSubdirectory("clusterctl-hostile-").FullName;
        try
        {
            var marker = Path.Combine(data, "pwned");
            var hostile = $"/nonexistent/kube-etcd-10-0-0-1$(touch {RestoreLayout.DataDirectoryInContainer}/pwned).pem";

            var (exit, stdout, _) = await NodeShell.RunAsync(RestoreScripts.Facts(Run, [hostile]), data);

            Assert.That(exit, Is.Zero);
            Assert.That(File.Exists(marker), Is.False, "the path's $(...) did not run");
            Assert.That(PreflightFacts.Parse(stdout).MissingCertificates, Is.EqualTo(new[] { hostile }), "the path comes back as it was given");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
