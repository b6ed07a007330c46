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

    /// <summary>
    /// The producer's own failure (a short source file, a broken source stream), as opposed to the connection
    /// to the daemon failing while we wrote to it. HttpClient wraps both alike; the caller needs to tell them
    /// apart so that a local problem is not reported as the daemon's.
    /// </summary>
    public Exception? ProducerFailure { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var destination = new WriteTrackingStream(stream);
        try
        {
            await _writeAsync(destination, cancellationToken);
        }
        catch (Exception e) when (!destination.WriteFailed && e is not OperationCanceledException)
        {
            ProducerFailure = e;
            throw;
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _length ?? -1;
        return _length is not null;
    }

    /// <summary>Passes writes through and remembers whether one of them failed (i.e. the connection did).</summary>
    private sealed class WriteTrackingStream(Stream inner) : Stream
    {
        public bool WriteFailed { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            try
            {
                inner.Write(buffer);
            }
            catch
            {
                WriteFailed = true;
                throw;
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                await inner.WriteAsync(buffer, cancellationToken);
            }
            catch
            {
                WriteFailed = true;
                throw;
            }
        }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
