namespace ClusterCtl.Bench;

/// <summary>A run the harness cannot trust (a command failed, or its result did not check out): the whole run stops.</summary>
internal sealed class BenchException(string message) : Exception(message);
