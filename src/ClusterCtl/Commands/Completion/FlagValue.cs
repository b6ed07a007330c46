namespace ClusterCtl.Cli.Commands.Completion;

/// <summary>What a completion script offers after a flag.</summary>
internal enum FlagValue
{
    /// <summary>The flag takes no value.</summary>
    None,

    /// <summary>Free text: nothing to offer.</summary>
    Text,

    /// <summary>A file name (the help names the value FILE).</summary>
    File,

    /// <summary>A snapshot's name (the help names the value SNAPSHOT), read from snapshot-list.</summary>
    Snapshot,

    /// <summary>One of the values the flag's rule allows.</summary>
    Choice,
}
