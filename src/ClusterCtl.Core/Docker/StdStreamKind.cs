namespace ClusterCtl.Docker;

/// <summary>The stream-type byte of a multiplexed frame header.</summary>
internal enum StdStreamKind : byte
{
    Stdin = 0,
    Stdout = 1,
    Stderr = 2,

    /// <summary>The daemon's own error about the stream (newer daemons, attach/logs), not container output.</summary>
    SystemError = 3,
}
