namespace ClusterCtl.Storage;

/// <summary>A <see cref="BoundedWriteStream"/> was asked to pass more than its limit; none of the excess was passed on.</summary>
internal sealed class WriteLimitExceededException(long limit)
    : IOException($"the data is longer than the {limit} bytes it was checked for")
{
    public long Limit => limit;
}
