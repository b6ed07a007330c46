using ClusterCtl.Cli.Commands;
using ClusterCtl.Cli.Commands.Completion;

namespace ClusterCtl.Tests.Cli;

/// <summary>The completion scripts as generated from the real command tree: every command and flag, and what completes each value.</summary>
public class CompletionScriptTests
{
    private static readonly CommandSpec Tree = CompletionTree.Read();

    private static IEnumerable<CommandSpec> Commands => Tree.SelfAndDescendants();

    private static CommandSpec Command(string path) => Commands.Single(c => string.Join(' ', c.Path) == path);

    private static FlagSpec Flag(string path, string longName) => Command(path).Flags.Single(f => f.LongName == longName);

    private static string Script(string shell) => shell switch
    {
        "bash" => BashCompletion.Script(Tree),
        "zsh" => ZshCompletion.Script(Tree),
        _ => FishCompletion.Script(Tree),
    };

    [Test]
    public void The_tree_holds_every_etcd_command_and_the_completion_command_itself()
    {
        Assert.That(Command("clusterctl").Subcommands.Select(c => c.Name), Is.EquivalentTo(new[] { "etcd", "config", "version", "completion" }));
        Assert.That(Command("clusterctl config").Subcommands.Select(c => c.Name), Is.EqualTo(new[] { "check" }));
        Assert.That(Command("clusterctl etcd").Subcommands.Select(c => c.Name), Is.SupersetOf(new[]
        {
            "status", "snapshot-save", "snapshot-list", "snapshot-delete", "snapshot-prune", "snapshot-schedule", "snapshot-restore", "snapshot-verify", "cleanup",
        }));
    }

    [Test]
    public void The_bash_script_names_every_etcd_subcommand_and_their_flags()
    {
        var script = Script("bash");

        foreach (var command in Command("clusterctl etcd").Subcommands)
        {
            Assert.That(script, Does.Contain($"'clusterctl etcd {command.Name}')"));
        }

        Assert.That(script, Does.Contain("--health-timeout"));
        Assert.That(script, Does.Contain("complete -F _clusterctl clusterctl"));
    }

    [TestCase("bash")]
    [TestCase("zsh")]
    [TestCase("fish")]
    public void Every_flag_of_every_command_is_in_the_script(string shell)
    {
        var script = Script(shell);

        var missing = Commands.SelectMany(c => c.Flags).Select(f => f.LongName!).Distinct()
            .Where(name => !script.Contains(shell == "fish" ? $" -l {name} " : $"--{name}", StringComparison.Ordinal));

        Assert.That(missing, Is.Empty);
    }

    [TestCase("bash")]
    [TestCase("zsh")]
    [TestCase("fish")]
    public void The_hidden_help_alias_is_left_out(string shell) => Assert.That(Script(shell), Does.Not.Contain("-?"));

    [TestCase("clusterctl etcd status", "output", new[] { "table", "json" })]
    [TestCase("clusterctl etcd snapshot-restore", "output", new[] { "table", "json" })]
    [TestCase("clusterctl etcd status", "log-format", new[] { "text", "json" })]
    [TestCase("clusterctl", "strict-host-key-checking", new[] { "accept-new", "yes", "no" })]
    public void A_flag_limited_to_some_values_offers_exactly_those(string path, string longName, string[] values)
    {
        var flag = Flag(path, longName);

        Assert.That(flag.Value, Is.EqualTo(FlagValue.Choice));
        Assert.That(flag.Choices, Is.EqualTo(values));
        Assert.That(Script("bash"), Does.Contain($"compgen -W '{string.Join(' ', values)}'"));
        Assert.That(Script("zsh"), Does.Contain($":({string.Join(' ', values)})'"));
        Assert.That(Script("fish"), Does.Contain($" -l {longName} -x -a '{string.Join(' ', values)}'"));
    }

    [Test]
    public void A_flag_without_a_rule_has_no_allowed_values()
    {
        using var app = new CliApplication(new CliContext(CancellationToken.None));
        var status = app.Root.Commands.Single(c => c.Name == "etcd").Commands.Single(c => c.Name == "status");

        Assert.That(OptionRules.AllowedValuesOf(status.GetOptions().Single(o => o.LongName == "config")), Is.Empty);
        Assert.That(OptionRules.AllowedValuesOf(status.GetOptions().Single(o => o.LongName == "output")), Is.EqualTo(new[] { "table", "json" }));
    }

    [Test]
    public void The_flags_that_take_a_file_complete_file_names_and_no_others_do()
    {
        var files = Commands.SelectMany(c => c.Flags).Where(f => f.Value == FlagValue.File).Select(f => f.LongName).Distinct();

        Assert.That(files, Is.EquivalentTo(new[] { "config", "known-hosts", "ca-cert", "ca-key", "s3-endpoint-ca" }));
    }

    [Test]
    public void The_name_of_an_existing_snapshot_completes_from_snapshot_list_and_a_new_one_does_not()
    {
        var snapshots = Commands.Where(c => c.Flags.Any(f => f.LongName == "name" && f.Value == FlagValue.Snapshot)).Select(c => c.Name);

        Assert.That(snapshots, Is.EquivalentTo(new[] { "snapshot-restore", "snapshot-delete", "snapshot-verify" }));
        Assert.That(Flag("clusterctl etcd snapshot-save", "name").Value, Is.EqualTo(FlagValue.Text));
        Assert.That(Script("bash"), Does.Contain(SnapshotNameSource.Arguments));
    }

    [Test]
    public void The_completion_command_takes_one_of_the_three_shells()
    {
        var argument = Command("clusterctl completion").Argument;

        Assert.That(argument?.Name, Is.EqualTo("shell"));
        Assert.That(argument?.Values, Is.EqualTo(new[] { "bash", "zsh", "fish" }));
    }

    [Test]
    public void A_description_with_quotes_stays_one_word_in_every_script()
    {
        // --force-unlock's help says "other runs' helpers": a stray quote would end the string early.
        Assert.That(Script("bash"), Does.Not.Contain("runs' helpers"));
        Assert.That(Script("zsh"), Does.Contain(@"runs'\'' helpers"));
        Assert.That(Script("fish"), Does.Contain(@"runs\' helpers"));
    }
}
