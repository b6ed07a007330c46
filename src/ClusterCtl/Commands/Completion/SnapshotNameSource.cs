namespace ClusterCtl.Cli.Commands.Completion;

/// <summary>How the scripts complete a SNAPSHOT value: the names in snapshot-list's JSON, read with grep and sed alone.</summary>
internal static class SnapshotNameSource
{
    /// <summary>The words after the program: JSON on stdout, and no log lines on stderr but errors (which go to /dev/null).</summary>
    public const string Arguments = "etcd snapshot-list --output json --quiet";

    /// <summary>How long a TAB may wait: an unreachable host would otherwise hold the prompt for the whole SSH timeout.</summary>
    public const string Timeout = "timeout -k 1 5";

    /// <summary>The names out of the JSON, one a line; snapshot names need no JSON escapes.</summary>
    public const string Filter = """grep -o '"name": *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/'""";
}
