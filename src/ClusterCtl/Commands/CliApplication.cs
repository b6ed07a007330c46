using ClusterCtl.Cli.Commands.Config;
using ClusterCtl.Cli.Commands.Etcd;
using McMaster.Extensions.CommandLineUtils;

namespace ClusterCtl.Cli.Commands;

/// <summary>
/// The command tree (the global flags on the root, the command groups, the leaf commands) and how a command line runs
/// through it. Parsing is the library's; checking the flags and invoking the command are ours, so that nothing on the
/// way needs reflection.
/// </summary>
internal sealed class CliApplication : IDisposable
{
    private readonly CommandLineApplication _root;
    private readonly GlobalFlags _flags;
    private readonly CliContext _context;

    public CliApplication(CliContext context)
    {
        _context = context;
        _root = new CommandLineApplication { Name = "clusterctl", Description = "Snapshot, restore and recover the etcd plane of RKE-style clusters." };
        _flags = new GlobalFlags(_root);
        Finish(_root);
        _root.OnExecute(() => ShowHelp(_root));

        AddGroup("etcd", "Work on the etcd plane: status, snapshots, restore.",
            new StatusCommand(), new SnapshotSaveCommand(), new SnapshotListCommand(), new SnapshotDeleteCommand(), new SnapshotPruneCommand(),
            new SnapshotScheduleCommand(), new SnapshotRestoreCommand(), new SnapshotVerifyCommand(), new CleanupCommand());
        AddGroup("config", "Work on cluster.yml itself, offline.", new ConfigCheckCommand());
        new VersionCommand().AddTo(_root, context);
        new CompletionCommand().AddTo(_root, context);
    }

    /// <summary>The command tree, for tests that read it as the completion scripts do.</summary>
    internal CommandLineApplication Root => _root;

    /// <summary>Parses <paramref name="args"/>, checks the flags and runs the command; a parse error throws <see cref="CommandParsingException"/>.</summary>
    public int Run(string[] args)
    {
        var command = _root.Parse(args).SelectedCommand;
        _context.Globals = _flags.Read();
        if (command.IsShowingInformation)
        {
            return ExitCodes.Success;
        }

        return OptionRules.FirstProblem(command) is { } problem ? UsageError(command, problem) : command.Invoke();
    }

    /// <summary>A command that only groups others: on its own it shows its help, as bad usage.</summary>
    private void AddGroup(string name, string description, params CommandBase[] commands) =>
        _root.Command(name, group =>
        {
            group.Description = description;
            Finish(group);
            group.OnExecute(() => ShowHelp(group));
            foreach (var command in commands)
            {
                command.AddTo(group, _context);
            }
        });

    /// <summary>What every command ends with: the help flag after its own options, as the help lists them.</summary>
    public static void Finish(CommandLineApplication command) => command.HelpOption("-?|-h|--help");

    /// <summary>One line on stderr that names the problem and where the usage is, and exit 2.</summary>
    public static int UsageError(CommandLineApplication command, string message)
    {
        Console.Error.WriteLine($"clusterctl: {message.TrimEnd('.')}; run '{command.Name} --help' for usage");
        return ExitCodes.InvalidInput;
    }

    public void Dispose() => _root.Dispose();

    private static int ShowHelp(CommandLineApplication command)
    {
        command.ShowHelp();
        return ExitCodes.InvalidInput;
    }
}
