using System.Text;

namespace ClusterCtl.Cli.Commands.Completion;

/// <summary>
/// The fish script: a function that walks the words before the cursor to the command they name (e.g. clusterctl/etcd/status),
/// and one <c>complete</c> line per subcommand and per flag, the latter once for all the commands that share it.
/// </summary>
internal static class FishCompletion
{
    public static string Script(CommandSpec root)
    {
        var p = root.Name;
        var commands = root.SelfAndDescendants().ToList();
        var script = new StringBuilder();
        script.Append($$"""
            # fish completion for {{p}}, generated from its commands by '{{p}} completion fish'.
            # Install: {{p}} completion fish > ~/.config/fish/completions/{{p}}.fish

            # The subcommands of the command in $argv[1].
            function __{{p}}_subcommands
                switch $argv[1]
            {{Cases(commands, c => c.Subcommands.Select(s => s.Name))}}    end
            end

            # The flags of the command in $argv[1] that take a value.
            function __{{p}}_valued
                switch $argv[1]
            {{Cases(commands, c => c.Flags.Where(f => f.TakesValue).SelectMany(f => f.Names))}}    end
            end

            # The command the cursor is in: the subcommands typed so far, skipping every flag's value.
            function __{{p}}_command
                set -l words (commandline -opc)
                set -e words[1]
                set -l command {{p}}
                set -l skip 0
                for word in $words
                    if test $skip = 1
                        set skip 0
                    else if contains -- $word (__{{p}}_valued $command)
                        set skip 1
                    else if contains -- $word (__{{p}}_subcommands $command)
                        set command $command/$word
                    end
                end
                echo $command
            end

            # Whether the cursor is in one of the commands in $argv.
            function __{{p}}_in
                contains -- (__{{p}}_command) $argv
            end

            # The names snapshot-list prints, for the --config on the line; nothing when it fails (no config, hosts unreachable).
            function __{{p}}_snapshots
                set -l words (commandline -opc)
                set -l run $words[1] {{SnapshotNameSource.Arguments}}
                for i in (seq (count $words))
                    switch $words[$i]
                        case --config
                            set -q words[(math $i + 1)]; and set -a run --config $words[(math $i + 1)]
                        case '--config=*'
                            set -a run $words[$i]
                    end
                end
                command -q timeout; and set -p run {{SnapshotNameSource.Timeout}}
                $run </dev/null 2>/dev/null | {{SnapshotNameSource.Filter}}
            end

            complete -c {{p}} -e
            # Words that are not flags are subcommands or arguments, never files.
            complete -c {{p}} -f

            """);
        foreach (var command in commands)
        {
            var at = $"-n {ShellQuoting.Fish($"__{p}_in {Key(command)}")}";
            foreach (var subcommand in command.Subcommands)
            {
                script.Append($"complete -c {p} {at} -a {ShellQuoting.Fish(subcommand.Name)} -d {ShellQuoting.Fish(subcommand.Description)}\n");
            }

            if (command.Argument is { Values.Count: > 0 } argument)
            {
                script.Append($"complete -c {p} {at} -a {ShellQuoting.Fish(string.Join(' ', argument.Values))}\n");
            }
        }

        // A flag that several commands share (the global ones, --config, --output) has one line, for all of them.
        var flags = commands.SelectMany(c => c.Flags.Select(f => (Line: Flag(f, p), Command: c)))
            .GroupBy(use => use.Line, use => Key(use.Command));
        foreach (var flag in flags)
        {
            script.Append($"complete -c {p} -n {ShellQuoting.Fish($"__{p}_in {string.Join(' ', flag)}")} {flag.Key}\n");
        }

        return script.ToString();
    }

    /// <summary>A command as <c>__clusterctl_command</c> names it: its path, without spaces, so that it is one word.</summary>
    private static string Key(CommandSpec command) => string.Join('/', command.Path);

    private static string Cases(IEnumerable<CommandSpec> commands, Func<CommandSpec, IEnumerable<string>> words) =>
        string.Concat(commands.Select(c => (Key: Key(c), Words: words(c).ToList())).Where(c => c.Words.Count > 0).Select(c => $"""
                    case {ShellQuoting.Fish(c.Key)}
                        printf '%s\n' {string.Join(' ', c.Words.Select(ShellQuoting.Fish))}

            """));

    /// <summary>The options of a flag's <c>complete</c> line: its names, what completes its value, and its help line.</summary>
    private static string Flag(FlagSpec flag, string program)
    {
        var names = string.Join(' ', new[] { flag.LongName is null ? null : $"-l {flag.LongName}", flag.ShortName is null ? null : $"-s {flag.ShortName}" }.OfType<string>());
        var value = flag.Value switch
        {
            FlagValue.None => "",
            FlagValue.Choice => $" -x -a {ShellQuoting.Fish(string.Join(' ', flag.Choices))}",
            FlagValue.File => " -r -F",
            FlagValue.Snapshot => $" -x -a {ShellQuoting.Fish($"(__{program}_snapshots)")}",
            _ => " -x",
        };
        return $"{names}{value} -d {ShellQuoting.Fish(flag.Description)}";
    }
}
