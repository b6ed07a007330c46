namespace ClusterCtl.Cli.Commands.Completion;

/// <summary>A command's first argument: its name, and the values it is limited to (none when it takes any).</summary>
internal sealed record ArgumentSpec(string Name, IReadOnlyList<string> Values);
