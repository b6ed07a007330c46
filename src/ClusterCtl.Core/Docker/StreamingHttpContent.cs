using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;

namespace ClusterCtl.Docker;

/// <summary>
/// A request body produced by a callback writing straight into the connection, e.g. a tar built on the
/// fly. Nothing is buffered: the producer runs at the speed the daemon reads. Sent chunked unless the
/// length is known. Unlike StreamContent it never disposes a caller's stream.
/// </summary>
internal sealed class StreamingHttpContent : HttpContent
{
    private readonly Func<Stream, CancellationToken, Task> _writeAsync;
    private readonly long? _length;

    public StreamingHttpContent(Func<Stream, CancellationToken, Task> writeAsync, string mediaType, long? length = null)
    {
        ArgumentNullException.ThrowIfNull(writeAsync);
        _writeAsync = writeAsync;
        _length = length;
        Headers.ContentType = new MediaTypeHeaderValue(mediaType);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        _writeAsync(stream, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        _writeAsync(stream, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        length = _length ?? -1;
        return _length is not null;
    }
}
