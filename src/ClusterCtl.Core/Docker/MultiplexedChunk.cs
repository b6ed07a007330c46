namespace ClusterCtl.Docker;

/// <summary>A run of payload bytes from one frame, as placed in the caller's buffer by <see cref="MultiplexedStreamReader"/>.</summary>
internal readonly record struct MultiplexedChunk(StdStreamKind Kind, int Length);
