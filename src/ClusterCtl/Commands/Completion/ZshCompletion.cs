using System.Text;

namespace ClusterCtl.Cli.Commands.Completion;

/// <summary>
/// The zsh script: one function per command, each an <c>_arguments</c> call with the command's flags (shown with their
/// help lines) that hands the words after a subcommand's name on to that subcommand's function.
/// </summary>
internal static class ZshCompletion
{
    public static string Script(CommandSpec root)
    {
        var p = root.Name;
        var script = new StringBuilder();
        script.Append($"""
            #compdef {p}
            # zsh completion for {p}, generated from its commands by '{p} completion zsh'.
            # Install: add 'source <({p} completion zsh)' to ~/.zshrc after compinit, or save it as _{p} in a directory of $fpath.


            """);
        foreach (var command in root.SelfAndDescendants())
        {
            script.Append(Function(command, p)).Append('\n');
        }

        script.Append($$"""
            # The names snapshot-list prints, for the --config on the line; nothing when it fails (no config, hosts unreachable).
            __{{p}}_snapshots() {
              local -a args run names expl
              args=({{SnapshotNameSource.Arguments}})
              [[ -n ${opt_args[--config]} ]] && args+=(--config "${opt_args[--config]/#\~/$HOME}")
              run=("$__{{p}}_program")
              (( $+commands[timeout] )) && run=({{SnapshotNameSource.Timeout}} "${run[@]}")
              names=(${(f)"$("${run[@]}" "${args[@]}" </dev/null 2>/dev/null | {{SnapshotNameSource.Filter}})"})
              _wanted snapshots expl snapshot compadd -a names
            }

            # Autoloaded from $fpath, this file is the body of _{{p}}: it defines the functions, then completes. Sourced, it registers them.
            if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
              _{{p}} "$@"
            else
              compdef _{{p}} {{p}}
            fi

            """);
        return script.ToString();
    }

    private static string FunctionName(CommandSpec command, string program) => string.Join('_', command.Path.Skip(1).Prepend("_" + program));

    private static string Function(CommandSpec command, string program)
    {
        var function = new StringBuilder();
        function.Append($"{FunctionName(command, program)}() {{\n");
        // _arguments sets state and line, for the subcommand's turn, and opt_args, for the snapshot names' --config.
        function.Append(command.Subcommands.Count > 0 ? "  local curcontext=$curcontext state state_descr line ret=1\n" : "  local curcontext=$curcontext ret=1\n");
        function.Append("  local -A opt_args\n");
        if (command.Path.Count == 1)
        {
            // The program as typed, for snapshot-list: further down $words holds only the subcommand's words.
            function.Append($"  local __{program}_program=${{words[1]/#\\~/$HOME}}\n");
        }

        IEnumerable<string> specs = command.Flags.SelectMany(f => Specs(f, program));
        if (command.Subcommands.Count > 0)
        {
            specs = specs.Append("': :->command'").Append("'*:: :->argument'");
        }
        else if (command.Argument is { } argument)
        {
            specs = specs.Append(ShellQuoting.Posix($":{argument.Name}:" + (argument.Values.Count > 0 ? $"({string.Join(' ', argument.Values)})" : " ")));
        }

        function.Append("  _arguments -C \\\n    ").AppendJoin(" \\\n    ", specs).Append(" && ret=0\n");
        if (command.Subcommands.Count > 0)
        {
            var subcommands = command.Subcommands.Select(c => ShellQuoting.Posix($"{c.Name.Replace(":", @"\:", StringComparison.Ordinal)}:{c.Description}"));
            var calls = command.Subcommands.Select(c => $"{ShellQuoting.Posix(c.Name)}) {FunctionName(c, program)} && ret=0 ;;");
            function.Append($"""
                  case $state in
                    command)
                      local -a subcommands
                      subcommands=(
                        {string.Join("\n        ", subcommands)}
                      )
                      _describe -t commands {ShellQuoting.Posix(string.Join(' ', command.Path) + " command")} subcommands && ret=0
                      ;;
                    argument)
                      case $words[1] in
                        {string.Join("\n        ", calls)}
                      esac
                      ;;
                  esac

                """);
        }

        function.Append("  return ret\n}\n");
        return function.ToString();
    }

    /// <summary>The flag's <c>_arguments</c> specs, one for each of its names, with its help line and what completes its value.</summary>
    private static IEnumerable<string> Specs(FlagSpec flag, string program)
    {
        var description = $"[{flag.Description.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("[", @"\[", StringComparison.Ordinal).Replace("]", @"\]", StringComparison.Ordinal)}]";
        var value = flag.Value switch
        {
            FlagValue.None => "",
            FlagValue.Choice => $":{flag.ValueName}:({string.Join(' ', flag.Choices)})",
            FlagValue.File => $":{flag.ValueName}:_files",
            FlagValue.Snapshot => $":{flag.ValueName}:__{program}_snapshots",
            _ => $":{flag.ValueName}: ",
        };
        return flag.Names.Select(name =>
            ShellQuoting.Posix(name + (flag.TakesValue ? name.StartsWith("--", StringComparison.Ordinal) ? "=" : "+" : "") + description + value));
    }
}
