using System.Formats.Tar;
using System.Security.Cryptography;
using ClusterCtl.Docker;
using ClusterCtl.Testing;

namespace ClusterCtl.Tests.Docker;

public class TarStreamsTests
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Test]
    public async Task A_file_round_trips_through_unseekable_streams_with_its_name_and_mode()
    {
        var content = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        var archive = new MemoryStream();

        await TarStreams.WriteSingleFileAsync(
            new WriteOnlyStream(archive), "snapshot.zip", new UnseekableReadStream(content, 100_000), content.Length, OwnerReadWrite, CancellationToken.None);
        archive.Position = 0;
        var restored = new MemoryStream();
        var info = await TarStreams.ReadSingleFileAsync(new UnseekableReadStream(archive.ToArray(), 4096), restored, CancellationToken.None);

        Assert.That(restored.ToArray(), Is.EqualTo(content));
        Assert.That(info, Is.EqualTo(new TarFileInfo("snapshot.zip", content.Length, OwnerReadWrite)));
    }

    [Test]
    public async Task An_empty_file_is_a_valid_entry()
    {
        var archive = new MemoryStream();

        await TarStreams.WriteSingleFileAsync(archive, "empty", new MemoryStream(), 0, OwnerReadWrite, CancellationToken.None);
        archive.Position = 0;
        var info = await TarStreams.ReadSingleFileAsync(archive, Stream.Null, CancellationToken.None);

        Assert.That(info.Length, Is.Zero);
    }

    [Test]
    public void A_source_shorter_than_announced_is_an_error()
    {
        var error = Assert.ThrowsAsync<EndOfStreamException>(() => TarStreams.WriteSingleFileAsync(
            new MemoryStream(), "short", new MemoryStream(new byte[10]), 20, OwnerReadWrite, CancellationToken.None));

        Assert.That(error.Message, Does.Contain("10 of the 20 bytes"));
    }

    [Test]
    public async Task Only_the_announced_length_is_taken_from_a_longer_source()
    {
        var archive = new MemoryStream();

        await TarStreams.WriteSingleFileAsync(archive, "head", new MemoryStream(new byte[100]), 40, OwnerReadWrite, CancellationToken.None);
        archive.Position = 0;
        var restored = new MemoryStream();
        await TarStreams.ReadSingleFileAsync(archive, restored, CancellationToken.None);

        Assert.That(restored.Length, Is.EqualTo(40));
    }

    [Test]
    public async Task Directory_entries_are_skipped_when_reading()
    {
        var archive = new MemoryStream();
        await using (var writer = new TarWriter(archive, TarEntryFormat.Pax, leaveOpen: true))
        {
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, "backup/"));
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "backup/db") { DataStream = new MemoryStream([1, 2, 3]) });
        }

        archive.Position = 0;
        var info = await TarStreams.ReadSingleFileAsync(archive, Stream.Null, CancellationToken.None);

        Assert.That(info.Name, Is.EqualTo("backup/db"));
    }

    [Test]
    public async Task Two_files_are_refused_when_one_was_expected()
    {
        var archive = new MemoryStream();
        await using (var writer = new TarWriter(archive, TarEntryFormat.Pax, leaveOpen: true))
        {
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "a") { DataStream = new MemoryStream([1]) });
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "b") { DataStream = new MemoryStream([2]) });
        }

        archive.Position = 0;

        Assert.ThrowsAsync<InvalidDataException>(() => TarStreams.ReadSingleFileAsync(archive, Stream.Null, CancellationToken.None));
    }

    [Test]
    public async Task A_symlink_is_refused_when_a_file_was_expected()
    {
        var archive = new MemoryStream();
        await using (var writer = new TarWriter(archive, TarEntryFormat.Pax, leaveOpen: true))
        {
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, "db") { LinkName = "/etc/passwd" });
        }

        archive.Position = 0;

        var error = Assert.ThrowsAsync<InvalidDataException>(() => TarStreams.ReadSingleFileAsync(archive, Stream.Null, CancellationToken.None));
        Assert.That(error.Message, Does.Contain("SymbolicLink"));
    }

    [Test]
    public void An_empty_archive_holds_no_file()
    {
        var archive = new MemoryStream(new byte[1024]);

        Assert.ThrowsAsync<InvalidDataException>(() => TarStreams.ReadSingleFileAsync(archive, Stream.Null, CancellationToken.None));
    }

    [Test]
    public void Sizes_beyond_8_GiB_are_recorded_exactly_in_a_pax_header()
    {
        // Ustar's size field ends at 8 GiB - 1 and etcd databases reach 8 GiB. Only the headers are captured:
        // the output stops the write after them, so the test does not push 9 GiB through.
        const long NineGiB = 9L * 1024 * 1024 * 1024;
        var headers = new HeaderCapture(4096);

        Assert.ThrowsAsync<HeaderCapture.EnoughException>(() => TarStreams.WriteSingleFileAsync(
            headers, "big.db", new ZeroStream(), NineGiB, OwnerReadWrite, CancellationToken.None));

        Assert.That(headers.Text, Does.Contain("size=9663676416\n"));
    }

    /// <summary>Endless zero bytes.</summary>
    private sealed class ZeroStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Clear(buffer, offset, count);
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Keeps the first bytes written, then stops the writer.</summary>
    private sealed class HeaderCapture(int limit) : Stream
    {
        private readonly MemoryStream _captured = new();

        public string Text => System.Text.Encoding.ASCII.GetString(_captured.ToArray());

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
            _captured.Write(buffer[..Math.Min(buffer.Length, limit - (int)_captured.Length)]);
            if (_captured.Length >= limit)
            {
                throw new EnoughException();
            }
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public sealed class EnoughException : Exception
        {
        }
    }

    /// <summary>Like an HTTP request body: write-only and unseekable.</summary>
    private sealed class WriteOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.WriteAsync(buffer, cancellationToken);

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
