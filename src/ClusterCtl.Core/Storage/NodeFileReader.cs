using System.Formats.Tar;
using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Hosts;
using ClusterCtl.Services;

namespace ClusterCtl.Storage;

/// <summary>
/// Streams one file out of a node's snapshot directory: a read-only helper mounts the directory and the file
/// comes back through the archive endpoint as a one-entry tar. Disposing the stream removes the helper.
/// </summary>
internal sealed class NodeFileReader : Stream
{
    private readonly RunningHelper _helper;
    private readonly Stream _tar;
    private readonly TarReader _reader;
    private readonly Stream _data;
    private int _disposed;

    private NodeFileReader(RunningHelper helper, Stream tar, TarReader reader, Stream data, long length)
    {
        _helper = helper;
        _tar = tar;
        _reader = reader;
        _data = data;
        Length = length;
    }

    public static async Task<NodeFileReader> OpenAsync(NodeSession node, ClusterConfig config, string fileName, CancellationToken cancellationToken)
    {
        var helper = await node.Helpers.StartAsync(
            NodeHelperSpecs.SnapshotShell(config, "snapshot-read", "trap 'exit 0' TERM; sleep 3600 & wait", readOnly: true), cancellationToken);
        try
        {
            var tar = await node.Docker.GetArchiveAsync(helper.Id, NodeHelperSpecs.SnapshotDirectoryInContainer + "/" + fileName, cancellationToken);
            var reader = new TarReader(tar);
            var entry = await reader.GetNextEntryAsync(copyData: false, cancellationToken);
            if (entry?.DataStream is not { } data)
            {
                await reader.DisposeAsync();
                await tar.DisposeAsync();
                throw new ClusterCtlException($"{node.Host}: {fileName} came back empty from {config.SnapshotDirectory}");
            }

            return new NodeFileReader(helper, tar, reader, data, entry.Length);
        }
        catch
        {
            await helper.DisposeAsync();
            throw;
        }
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length { get; }
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _data.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _data.ReadAsync(buffer, offset, count, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => _data.Read(buffer, offset, count);

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await ReleaseAsync();
        }

        await base.DisposeAsync();
    }

    // Releasing the helper talks to the daemon; a synchronous Dispose has to wait for that.
    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            ReleaseAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    private async ValueTask ReleaseAsync()
    {
        await _reader.DisposeAsync();
        await _tar.DisposeAsync();
        await _helper.DisposeAsync();
    }
}
