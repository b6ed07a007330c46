namespace ClusterCtl.Storage;

/// <summary>
/// One receiver of a <see cref="FanOutStream"/>: something that reads the fanned-out bytes from a stream to its
/// end, such as an upload to a node or to S3. It runs on its own task, so a slow one delays the others only
/// once its bounded buffer is full.
/// </summary>
internal sealed class FanOutDestination
{
    private FanOutDestination(string name, Func<Stream, CancellationToken, Task> consume)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Consume = consume ?? throw new ArgumentNullException(nameof(consume));
    }

    /// <summary>Names the destination in results and errors, e.g. "10.213.0.11" or "s3://bucket/folder".</summary>
    public string Name { get; }

    internal Func<Stream, CancellationToken, Task> Consume { get; }

    /// <summary>A destination that reads the bytes itself, e.g. an upload that takes a source stream.</summary>
    public static FanOutDestination Reading(string name, Func<Stream, CancellationToken, Task> consume) => new(name, consume);

    /// <summary>A destination the bytes are written into, e.g. a file or a request body.</summary>
    public static FanOutDestination WritingTo(string name, Stream target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new(name, async (source, cancellationToken) =>
        {
            await source.CopyToAsync(target, cancellationToken);
            await target.FlushAsync(cancellationToken);
        });
    }
}
