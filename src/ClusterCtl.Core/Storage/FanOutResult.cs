namespace ClusterCtl.Storage;

/// <summary>How one destination of a <see cref="FanOutStream"/> fared.</summary>
/// <param name="BytesWritten">Bytes the destination took before it finished or failed.</param>
/// <param name="Elapsed">From the start of the fan-out until the destination finished or failed.</param>
/// <param name="Error">Why the destination was detached; null when it received every byte.</param>
internal sealed record FanOutResult(string Name, long BytesWritten, TimeSpan Elapsed, Exception? Error)
{
    public bool Succeeded => Error is null;
}
