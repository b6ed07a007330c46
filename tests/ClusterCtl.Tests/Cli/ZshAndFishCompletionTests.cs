using ClusterCtl.Cli.Commands.Completion;

namespace ClusterCtl.Tests.Cli;

/// <summary>The zsh and fish scripts in the real shells, where they are installed (Debian packages zsh and fish).</summary>
public class ZshAndFishCompletionTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("clusterctl-completion-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string script)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, script);
        return path;
    }

    private static void RequireShell(string shell)
    {
        if (!Shell.IsInstalled(shell))
        {
            // test.sh installs both shells; only a developer's run without root may lack them.
            var message = $"{shell} is not installed (test.sh installs zsh and fish when it runs as root)";
            if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
            {
                Assert.Fail(message);
            }

            Assert.Ignore(message);
        }
    }

    [Test]
    public void Zsh_parses_the_zsh_script()
    {
        RequireShell("zsh");
        var result = Shell.Run("zsh", "-n", Write("_clusterctl", ZshCompletion.Script(CompletionTree.Read())));

        Assert.That(result, Is.EqualTo((0, "", "")));
    }

    [Test]
    public void Fish_parses_the_fish_script()
    {
        RequireShell("fish");
        var result = Shell.Run("fish", "-n", Write("clusterctl.fish", FishCompletion.Script(CompletionTree.Read())));

        Assert.That(result, Is.EqualTo((0, "", "")));
    }

    [TestCase("clusterctl etcd snapshot-res", "snapshot-restore")]
    [TestCase("clusterctl etcd status --output ", "json table")]
    [TestCase("clusterctl --log-format json etcd snapshot-save --out", "--output")]
    [TestCase("clusterctl completion ", "bash fish zsh")]
    public void Fish_completes_the_command_line(string line, string expected)
    {
        RequireShell("fish");
        var script = Write("clusterctl.fish", FishCompletion.Script(CompletionTree.Read()));

        var (exitCode, stdout, stderr) = Shell.Run("fish", "--no-config", "-c", "source $argv[1]; and complete -C $argv[2]", script, line);

        Assert.That((exitCode, stderr), Is.EqualTo((0, "")));
        Assert.That(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[0]), Is.EquivalentTo(expected.Split(' ')));
    }
}
