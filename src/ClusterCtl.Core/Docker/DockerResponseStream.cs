using System.Net.Http;

namespace ClusterCtl.Docker;

/// <summary>
/// The body of a streamed answer handed to a caller: disposing it releases the HTTP response (and its
/// connection), and a broken connection surfaces as a <see cref="DockerException"/> naming the host
/// instead of a bare socket error.
/// </summary>
internal sealed class DockerResponseStream : Stream
{
    private readonly HttpResponseMessage _response;
    private readonly Stream _body;
    private readonly string _host;
    private readonly string _what;

    public DockerResponseStream(HttpResponseMessage response, Stream body, string host, string what)
    {
        _response = response;
        _body = body;
        _host = host;
        _what = what;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return _body.Read(buffer);
        }
        catch (IOException e)
        {
            throw Broken(e);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _body.ReadAsync(buffer, cancellationToken);
        }
        catch (IOException e)
        {
            throw Broken(e);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _body.Dispose();
            _response.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _body.DisposeAsync();
        _response.Dispose();
        await base.DisposeAsync();
    }

    private DockerException Broken(IOException e) =>
        new(_host, $"docker on {_host}: the {_what} stream broke off: {e.Message}", e);
}
