using System.Runtime.InteropServices;
using Api = Docker.DotNet;

namespace ClusterCtl.Docker;

internal sealed partial class DockerClient
{
    /// <summary>
    /// Attaches to a created container's stdin and returns a write-only stream into it. Disposing the stream closes
    /// the connection, which the daemon turns into end-of-file on the container's stdin (the container must have been
    /// created with OpenStdin and StdinOnce). Nothing needs a length up front, so a file can be sent while it is made.
    /// </summary>
    public async Task<Stream> AttachStdinAsync(string containerId, CancellationToken cancellationToken)
    {
        var attached = await StreamingCallAsync($"attach to container {ShortId(containerId)}", (api, ct) =>
            api.Containers.AttachContainerAsync(containerId, new() { Stream = true, Stdin = true, Stdout = false, Stderr = false }, ct),
            cancellationToken);
        return new AttachedStdinStream(attached);
    }

    /// <summary>The library's attached stream, as the write-only <see cref="Stream"/> that copy loops expect.</summary>
    private sealed class AttachedStdinStream(Api.MultiplexedStream attached) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            attached.WriteAsync(buffer, offset, count, cancellationToken);

        // Copy loops write from arrays, so the memory is one almost always; the library only takes arrays.
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (MemoryMarshal.TryGetArray(buffer, out var segment))
            {
                await attached.WriteAsync(segment.Array!, segment.Offset, segment.Count, cancellationToken);
                return;
            }

            var copy = buffer.ToArray();
            await attached.WriteAsync(copy, 0, copy.Length, cancellationToken);
        }

        public override void Write(byte[] buffer, int offset, int count) =>
            attached.WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                // End-of-file for the container's stdin; the daemon finishes copying what it received first.
                attached.CloseWrite();
                attached.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
