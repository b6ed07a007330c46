using System.Text;

namespace ClusterCtl.Cli.Commands.Completion;

/// <summary>
/// The bash script: a table of each command's subcommands and flags, a table of flag values, and a function that walks
/// the words before the cursor to the command they name. It needs bash 4 and nothing of the bash-completion package.
/// </summary>
internal static class BashCompletion
{
    public static string Script(CommandSpec root)
    {
        var p = root.Name;
        var script = new StringBuilder();
        script.Append($$"""
            # bash completion for {{p}}, generated from its commands by '{{p}} completion bash'.
            # Install: {{p}} completion bash > /etc/bash_completion.d/{{p}}, or add 'source <({{p}} completion bash)' to ~/.bashrc.

            # Sets subcommands, flags, valued (those of the flags that take a value) and arguments for the command in $1.
            _{{p}}_describe()
            {
                case $1 in

            """);
        foreach (var command in root.SelfAndDescendants())
        {
            script.Append($"""
                        {ShellQuoting.Posix(string.Join(' ', command.Path))})
                            subcommands={ShellQuoting.Posix(string.Join(' ', command.Subcommands.Select(c => c.Name)))}
                            flags={ShellQuoting.Posix(string.Join(' ', command.Flags.SelectMany(f => f.Names)))}
                            valued={ShellQuoting.Posix(string.Join(' ', command.Flags.Where(f => f.TakesValue).SelectMany(f => f.Names)))}
                            arguments={ShellQuoting.Posix(string.Join(' ', command.Argument?.Values ?? []))}
                            ;;

                """);
        }

        script.Append($$"""
                esac
            }

            # Fills COMPREPLY with the values of flag $2 of the command in $1 that start with $3.
            _{{p}}_value()
            {
                case "$1 $2" in

            """);
        foreach (var (patterns, action) in ValueArms(root))
        {
            script.Append($"""
                        {string.Join(" | ", patterns)})
                            {action}
                            ;;

                """);
        }

        script.Append($$"""
                    *)
                        COMPREPLY=()
                        ;;
                esac
            }

            # The names snapshot-list prints, for the --config on the line; nothing when it fails (no config, hosts unreachable).
            _{{p}}_snapshots()
            {
                local args=({{SnapshotNameSource.Arguments}}) run=("${COMP_WORDS[0]/#\~/$HOME}") i
                for ((i = 1; i < COMP_CWORD; i++)); do
                    if [[ ${COMP_WORDS[i]} == --config ]]; then
                        [[ ${COMP_WORDS[i+1]} == = ]] && ((i++))
                        args+=(--config "${COMP_WORDS[i+1]/#\~/$HOME}")
                    fi
                done
                command -v timeout >/dev/null && run=({{SnapshotNameSource.Timeout}} "${run[@]}")
                "${run[@]}" "${args[@]}" </dev/null 2>/dev/null | {{SnapshotNameSource.Filter}}
            }

            _{{p}}()
            {
                local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} command={{p}} word i
                local subcommands flags valued arguments
                _{{p}}_describe "$command"
                # Follow the subcommands typed so far to the command the cursor is in, skipping every flag's value.
                for ((i = 1; i < COMP_CWORD; i++)); do
                    word=${COMP_WORDS[i]}
                    if [[ $word == -* && " $valued " == *" $word "* ]]; then
                        [[ ${COMP_WORDS[i+1]} == = ]] && ((i++))
                        ((i++))
                    elif [[ -n $word && " $subcommands " == *" $word "* ]]; then
                        command+=" $word"
                        _{{p}}_describe "$command"
                    fi
                done
                # bash splits --flag=value at the '=' and completes what follows it.
                if [[ $cur == = ]]; then
                    cur=
                elif [[ $prev == = ]]; then
                    prev=${COMP_WORDS[COMP_CWORD-2]}
                fi
                if [[ $prev == -* && " $valued " == *" $prev "* ]]; then
                    _{{p}}_value "$command" "$prev" "$cur"
                elif [[ $cur == -* ]]; then
                    mapfile -t COMPREPLY < <(compgen -W "$flags" -- "$cur")
                else
                    mapfile -t COMPREPLY < <(compgen -W "$subcommands $arguments" -- "$cur")
                fi
            }

            complete -F _{{p}} {{p}}

            """);
        return script.ToString();
    }

    /// <summary>
    /// The case arms of the value function: a flag completed alike in every command that has it (the global flags, mostly)
    /// is matched by its name alone, any other by command and name; a flag of free text has no arm.
    /// </summary>
    private static IEnumerable<(IEnumerable<string> Patterns, string Action)> ValueArms(CommandSpec root) =>
        root.SelfAndDescendants()
            .SelectMany(c => c.Flags.Where(f => f.TakesValue).SelectMany(f => f.Names.Select(n => (Command: c, Name: n, Action: Action(f, root.Name)))))
            .GroupBy(use => use.Name)
            .SelectMany(uses => uses.Select(u => u.Action).Distinct().Count() == 1
                ? [(Pattern: "*" + ShellQuoting.Posix(" " + uses.Key), uses.First().Action)]
                : uses.Select(u => (Pattern: ShellQuoting.Posix($"{string.Join(' ', u.Command.Path)} {u.Name}"), u.Action)))
            .Where(arm => arm.Action is not null)
            .GroupBy(arm => arm.Action!, arm => arm.Pattern)
            .Select(arms => (arms.AsEnumerable(), arms.Key));

    private static string? Action(FlagSpec flag, string program) => flag.Value switch
    {
        FlagValue.Choice => $"""mapfile -t COMPREPLY < <(compgen -W {ShellQuoting.Posix(string.Join(' ', flag.Choices))} -- "$3")""",
        FlagValue.File => """compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$3")""",
        FlagValue.Snapshot => $$"""mapfile -t COMPREPLY < <(compgen -W "$(_{{program}}_snapshots)" -- "$3")""",
        _ => null,
    };
}
