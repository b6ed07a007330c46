using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace ClusterCtl.Docker;

internal sealed partial class DockerClient
{
    /// <summary>
    /// Attaches to a created container's stdin and returns a write-only stream into it. Disposing the stream
    /// half-closes the connection, which the daemon turns into end-of-file on the container's stdin (the container
    /// must have been created with OpenStdin and StdinOnce). Nothing needs a length up front, so a file can be sent
    /// while it is made.
    /// </summary>
    /// <remarks>
    /// Our own request, not the library's: the library's hijacked stream has no asynchronous write, so every write
    /// blocked a thread-pool thread in <c>send()</c> for as long as the node took to drain it. A save writes to every
    /// node at once, and on a small machine those blocked threads compete with the zip and the hashes. The attach is
    /// one request on its own connection (101 Switching Protocols, then raw bytes), so speaking it here takes little.
    /// </remarks>
    public async Task<Stream> AttachStdinAsync(string containerId, CancellationToken cancellationToken)
    {
        await ApiAsync(cancellationToken);
        var path = string.Create(CultureInfo.InvariantCulture,
            $"/v{_apiVersion}/containers/{Uri.EscapeDataString(containerId)}/attach?stream=1&stdin=1&stdout=0&stderr=0");
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), cancellationToken);
            var request = $"POST {path} HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, cancellationToken);

            var (status, body) = await ReadResponseHeadAsync(socket, cancellationToken);
            // Older daemons answer 200 and hijack all the same.
            if (status is not (101 or 200))
            {
                var code = (System.Net.HttpStatusCode)status;
                throw new DockerApiException(Host, code, DockerErrorMessage.Extract(body, code, null));
            }

            return new AttachedStdinStream(socket);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            socket.Dispose();
            throw new DockerException(Host, $"docker on {Host}: cannot attach to container {ShortId(containerId)}: {e.Message}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    // Reads up to the blank line that ends the response head; returns the status code and any body bytes read with it.
    private static async Task<(int Status, string Body)> ReadResponseHeadAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var length = 0;
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new IOException("the daemon closed the connection before answering the attach request");
            }

            length += read;
            var text = Encoding.ASCII.GetString(buffer, 0, length);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var statusLine = text[..text.IndexOf("\r\n", StringComparison.Ordinal)].Split(' ');
                var status = statusLine.Length > 1 && int.TryParse(statusLine[1], NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
                return (status, text[(end + 4)..]);
            }

            if (length == buffer.Length)
            {
                throw new IOException("the daemon's answer to the attach request has an oversized header");
            }
        }
    }

    private sealed class AttachedStdinStream(Socket socket) : Stream
    {
        private readonly NetworkStream _stream = new(socket, ownsSocket: true);

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            _stream.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            _stream.WriteAsync(buffer, offset, count, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => _stream.Write(buffer, offset, count);

        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override async ValueTask DisposeAsync()
        {
            CloseWrite();
            await _stream.DisposeAsync();
            await base.DisposeAsync();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                CloseWrite();
                _stream.Dispose();
            }

            base.Dispose(disposing);
        }

        // End-of-file for the container's stdin; the daemon finishes copying what it received first.
        private void CloseWrite()
        {
            try
            {
                socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Already closed: nothing more to signal.
            }
        }
    }
}
