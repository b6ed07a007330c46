using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Cli;

/// <summary>clusterctl completion, seen from outside: a script on stdout, or bad usage for a shell it does not know.</summary>
public class CompletionCommandTests
{
    [TestCase("bash", "complete -F _clusterctl clusterctl")]
    [TestCase("zsh", "compdef _clusterctl clusterctl")]
    [TestCase("fish", "complete -c clusterctl ")]
    public async Task Completion_prints_a_script_that_completes_clusterctl(string shell, string registration)
    {
        var result = await ClusterCtlRunner.RunAsync("completion", shell);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Does.Contain(registration).And.Contain("snapshot-restore"));
        Assert.That(result.Stderr, Is.Empty);
    }

    [Test]
    public async Task An_unknown_shell_is_bad_usage_in_one_line()
    {
        var result = await ClusterCtlRunner.RunAsync("completion", "powershell");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), result.ToString());
        Assert.That(result.StderrLines, Has.Count.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Contain("Invalid value 'powershell'. Allowed values are: bash, zsh, fish; run 'completion --help' for usage"));
        Assert.That(result.Stdout, Is.Empty);
    }

    [Test]
    public async Task A_missing_shell_is_bad_usage_in_one_line()
    {
        var result = await ClusterCtlRunner.RunAsync("completion");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), result.ToString());
        Assert.That(result.StderrLines, Has.Count.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Contain("The shell argument is required"));
    }
}
