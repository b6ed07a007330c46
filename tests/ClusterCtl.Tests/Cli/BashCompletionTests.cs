using ClusterCtl.Cli.Commands.Completion;

namespace ClusterCtl.Tests.Cli;

/// <summary>The bash script in a real bash: sourced, and its function called as bash calls it on TAB.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class BashCompletionTests
{
    private string _directory = null!;
    private string _script = null!;

    [OneTimeSetUp]
    public void WriteScript()
    {
        _directory = Directory.CreateTempSubdirectory("clusterctl-completion-").FullName;
        _script = Path.Combine(_directory, "clusterctl.bash");
        File.WriteAllText(_script, BashCompletion.Script(CompletionTree.Read()));
    }

    [OneTimeTearDown]
    public void RemoveDirectory() => Directory.Delete(_directory, recursive: true);

    /// <summary>COMPREPLY for the command line in <paramref name="words"/>, the cursor at the end of the last one.</summary>
    private string[] Complete(params string[] words)
    {
        var (exitCode, stdout, stderr) = Shell.Run(
            "bash",
            ["-c", """source "$1" && shift && COMP_WORDS=("$@") && COMP_CWORD=$(($# - 1)) && _clusterctl && printf '%s\n' "${COMPREPLY[@]}" """, "bash", _script, .. words]);

        Assert.That((exitCode, stderr), Is.EqualTo((0, "")), stdout);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Test]
    public void A_subcommand_is_completed_from_its_first_letters()
    {
        var snapshotCommands = CompletionTree.Read().Subcommands.Single(c => c.Name == "etcd").Subcommands
            .Select(c => c.Name).Where(n => n.StartsWith("snap", StringComparison.Ordinal));

        Assert.That(Complete("clusterctl", "etcd", "snap"), Is.EquivalentTo(snapshotCommands));
    }

    [Test]
    public void A_flag_is_completed_from_its_first_letters() =>
        Assert.That(Complete("clusterctl", "etcd", "snapshot-save", "--out"), Is.EqualTo(new[] { "--output" }));

    [Test]
    public void The_value_of_output_is_table_or_json() =>
        Assert.That(Complete("clusterctl", "etcd", "status", "--output", ""), Is.EqualTo(new[] { "table", "json" }));

    [Test]
    public void The_value_after_an_equals_sign_is_completed_too() =>
        // bash hands --output=j over as three words.
        Assert.That(Complete("clusterctl", "etcd", "status", "--output", "=", "j"), Is.EqualTo(new[] { "json" }));

    [Test]
    public void A_global_flag_and_its_value_before_the_command_are_skipped() =>
        Assert.That(Complete("clusterctl", "--log-format", "json", "etcd", "stat"), Is.EqualTo(new[] { "status" }));

    [Test]
    public void The_completion_command_offers_the_shells() =>
        Assert.That(Complete("clusterctl", "completion", ""), Is.EqualTo(new[] { "bash", "zsh", "fish" }));

    [Test]
    public void The_config_flag_completes_file_names()
    {
        var config = Path.Combine(_directory, "cluster.yml");
        File.WriteAllText(config, "nodes: []\n");

        Assert.That(Complete("clusterctl", "etcd", "status", "--config", Path.Combine(_directory, "cluster.")), Is.EqualTo(new[] { config }));
    }

    [Test]
    public void The_name_to_restore_is_completed_from_snapshot_list_with_the_config_on_the_line()
    {
        // Stands in for clusterctl: records how it was called and prints snapshot-list's JSON.
        var program = Path.Combine(_directory, "fake-clusterctl");
        var calledWith = Path.Combine(_directory, "called-with");
        File.WriteAllText(program, $$"""
            #!/bin/sh
            echo "$*" > '{{calledWith}}'
            cat <<'JSON'
            [
              {
                "name": "c1_etcd_snapshot_2024-05-01T10-00-00Z",
                "nodes": { "10.0.0.1": "0f0f" },
                "inS3": false
              },
              {
                "name": "before-upgrade",
                "nodes": {}
              }
            ]
            JSON
            """);
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var names = Complete(program, "etcd", "snapshot-restore", "--config", "/etc/c1.yml", "--name", "");

        Assert.That(names, Is.EquivalentTo(new[] { "c1_etcd_snapshot_2024-05-01T10-00-00Z", "before-upgrade" }));
        Assert.That(File.ReadAllText(calledWith).Trim(), Is.EqualTo($"{SnapshotNameSource.Arguments} --config /etc/c1.yml"));
    }

    [Test]
    public void The_name_completes_to_nothing_and_says_nothing_when_snapshot_list_fails() =>
        // Complete() also asserts that stderr is empty.
        Assert.That(Complete(Path.Combine(_directory, "absent-clusterctl"), "etcd", "snapshot-delete", "--name", ""), Is.Empty);
}
