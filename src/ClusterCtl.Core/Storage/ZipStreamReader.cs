using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ClusterCtl.Storage;

/// <summary>
/// Reads a zip front to back from a stream that cannot seek, entry by entry, without the central directory:
/// ZipArchive needs a seekable stream and would otherwise copy an 8 GiB artifact into memory. Entries written
/// to a stream (rke-tools' Go writer, our own writer) carry no sizes in their local headers; their deflate data
/// ends itself, and the data descriptor that follows is found by its sizes, which must equal what was read.
/// CRCs are not checked here: the db entry is checked by etcd's SHA-256, which is stronger.
/// </summary>
internal sealed class ZipStreamReader : IDisposable
{
    internal const uint LocalHeaderSignature = 0x04034b50;
    internal const uint CentralDirectorySignature = 0x02014b50;
    internal const uint EndOfCentralDirectorySignature = 0x06054b50;
    internal const uint Zip64EndOfCentralDirectorySignature = 0x06064b50;
    internal const uint DataDescriptorSignature = 0x08074b50;

    private const int LocalHeaderLength = 30;
    private const ushort Zip64ExtraId = 0x0001;
    internal const uint Saturated32 = 0xFFFFFFFF;

    // The longest data descriptor (signature, CRC, two 64-bit sizes) plus the next record's signature.
    private const int DescriptorLookahead = 24 + 4;

    // The central directory is ~100 bytes an entry; an artifact has three.
    private const int MaxCentralDirectoryBytes = 1024 * 1024;
    private const int EndOfCentralDirectoryLength = 22;

    private readonly PushbackReader _input;
    private EntryDataStream? _current;
    private int _entriesSeen;

    public ZipStreamReader(PushbackReader input)
    {
        _input = input ?? throw new ArgumentNullException(nameof(input));
    }

    /// <summary>
    /// Moves to the next entry, skipping whatever of the current one was not read. Null once the central
    /// directory is reached: every entry has then been seen.
    /// </summary>
    public async Task<ZipLocalEntry?> NextEntryAsync(CancellationToken cancellationToken)
    {
        if (_current is { IsFinished: false } unfinished)
        {
            await unfinished.CopyToAsync(Stream.Null, cancellationToken);
        }

        _current?.Dispose();
        _current = null;
        var header = new byte[LocalHeaderLength];
        if (await _input.ReadAtMostAsync(header.AsMemory(0, 4), cancellationToken) < 4)
        {
            throw new InvalidDataException("the zip ends before its central directory, so it is truncated");
        }

        var signature = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (signature is CentralDirectorySignature or EndOfCentralDirectorySignature or Zip64EndOfCentralDirectorySignature)
        {
            await CheckCentralDirectoryAsync(header.AsMemory(0, 4), cancellationToken);
            return null;
        }

        if (signature != LocalHeaderSignature)
        {
            throw new InvalidDataException($"unexpected zip record 0x{signature:x8} where an entry should start");
        }

        await _input.ReadExactlyAsync(header.AsMemory(4), cancellationToken);
        var flags = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(6));
        var method = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8));
        long compressed = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(18));
        long uncompressed = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(22));
        var nameAndExtra = new byte[BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(26)) + BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(28))];
        await _input.ReadExactlyAsync(nameAndExtra, cancellationToken);

        var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(26));
        var name = ((flags & 0x0800) != 0 ? Encoding.UTF8 : Encoding.Latin1).GetString(nameAndExtra, 0, nameLength);
        ReadZip64Sizes(nameAndExtra.AsSpan(nameLength), ref uncompressed, ref compressed);

        if ((flags & 0x0001) != 0)
        {
            throw new InvalidDataException($"zip entry '{name}' is encrypted");
        }

        if (method is not (ZipLocalEntry.Stored or ZipLocalEntry.Deflated))
        {
            throw new InvalidDataException($"zip entry '{name}' uses compression method {method}; only deflate and stored are supported");
        }

        var sizesKnown = (flags & 0x0008) == 0 || compressed != 0 || uncompressed != 0;
        if (!sizesKnown && method == ZipLocalEntry.Stored)
        {
            throw new InvalidDataException($"zip entry '{name}' is stored without its size, which cannot be read as a stream");
        }

        var entry = new ZipLocalEntry(name, flags, method, sizesKnown ? compressed : null, sizesKnown ? uncompressed : null);
        _current = new EntryDataStream(this, entry);
        _entriesSeen++;
        return entry;
    }

    /// <summary>The uncompressed data of the entry <see cref="NextEntryAsync"/> returned last. Read it to its end or not at all.</summary>
    public Stream OpenEntryData() => _current ?? throw new InvalidOperationException("no current zip entry");

    public void Dispose()
    {
        _current?.Dispose();
        _current = null;
    }

    /// <summary>
    /// Reads the rest of the zip and checks that it ends in a complete end-of-central-directory record that
    /// counts the entries seen: a download cut short after the last entry is caught here.
    /// </summary>
    private async Task CheckCentralDirectoryAsync(ReadOnlyMemory<byte> signature, CancellationToken cancellationToken)
    {
        var rest = new byte[MaxCentralDirectoryBytes + 1];
        signature.CopyTo(rest);
        var length = signature.Length + await _input.ReadAtMostAsync(rest.AsMemory(signature.Length), cancellationToken);
        if (length > MaxCentralDirectoryBytes)
        {
            throw new InvalidDataException("the zip's central directory is larger than a snapshot artifact's can be");
        }

        for (var at = length - EndOfCentralDirectoryLength; at >= 0; at--)
        {
            var record = rest.AsSpan(at, length - at);
            if (BinaryPrimitives.ReadUInt32LittleEndian(record) == EndOfCentralDirectorySignature
                && BinaryPrimitives.ReadUInt16LittleEndian(record[20..]) == record.Length - EndOfCentralDirectoryLength)
            {
                var entries = BinaryPrimitives.ReadUInt16LittleEndian(record[10..]);
                if (entries != 0xFFFF && entries != _entriesSeen)
                {
                    throw new InvalidDataException($"the zip's central directory lists {entries} entries but {_entriesSeen} were found");
                }

                return;
            }
        }

        throw new InvalidDataException("the zip ends inside its central directory, so it is truncated");
    }

    internal static void ReadZip64Sizes(ReadOnlySpan<byte> extra, ref long uncompressed, ref long compressed)
    {
        while (extra.Length >= 4)
        {
            var id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
            var size = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            var data = extra.Slice(4, Math.Min(size, extra.Length - 4));
            if (id == Zip64ExtraId)
            {
                // Only the saturated fields are present, in this order.
                if (uncompressed == Saturated32 && data.Length >= 8)
                {
                    uncompressed = BinaryPrimitives.ReadInt64LittleEndian(data);
                    data = data[8..];
                }

                if (compressed == Saturated32 && data.Length >= 8)
                {
                    compressed = BinaryPrimitives.ReadInt64LittleEndian(data);
                }

                return;
            }

            extra = extra[Math.Min(extra.Length, 4 + size)..];
        }
    }

    /// <summary>
    /// The length of a data descriptor at <paramref name="at"/> whose sizes equal what was read, or 0 when there
    /// is none. With or without its optional signature, with 32- or 64-bit sizes; and the next zip record must
    /// follow it, so a match by chance inside compressed data is practically impossible.
    /// </summary>
    internal static int MatchDataDescriptor(ReadOnlySpan<byte> window, int at, long compressed, long uncompressed)
    {
        foreach (var (signed, wide) in (ReadOnlySpan<(bool, bool)>)[(true, false), (false, false), (true, true), (false, true)])
        {
            var length = (signed ? 4 : 0) + 4 + (wide ? 16 : 8);
            if (at + length + 4 > window.Length)
            {
                continue;
            }

            var descriptor = window.Slice(at, length);
            if (signed && BinaryPrimitives.ReadUInt32LittleEndian(descriptor) != DataDescriptorSignature)
            {
                continue;
            }

            var sizes = descriptor[((signed ? 4 : 0) + 4)..];
            var (c, u) = wide
                ? (BinaryPrimitives.ReadInt64LittleEndian(sizes), BinaryPrimitives.ReadInt64LittleEndian(sizes[8..]))
                : (BinaryPrimitives.ReadUInt32LittleEndian(sizes), (long)BinaryPrimitives.ReadUInt32LittleEndian(sizes[4..]));
            var next = BinaryPrimitives.ReadUInt32LittleEndian(window[(at + length)..]);
            if (c == compressed && u == uncompressed
                && next is LocalHeaderSignature or CentralDirectorySignature or EndOfCentralDirectorySignature or Zip64EndOfCentralDirectorySignature)
            {
                return length;
            }
        }

        return 0;
    }

    /// <summary>
    /// Called once an entry's data has ended: leaves the input at the next record. <paramref name="consumedTail"/>
    /// holds the last bytes handed to the inflater, some of which it may not have used.
    /// </summary>
    private async Task FinishEntryAsync(ZipLocalEntry entry, long handed, ReadOnlyMemory<byte> consumedTail, long uncompressed, CancellationToken cancellationToken)
    {
        if (entry.UncompressedSize is { } expected && expected != uncompressed)
        {
            throw new InvalidDataException($"zip entry '{entry.Name}' has {uncompressed} bytes where its header says {expected}");
        }

        if (!entry.HasDataDescriptor)
        {
            return;
        }

        var lookahead = new byte[DescriptorLookahead];
        var got = await _input.ReadAtMostAsync(lookahead, cancellationToken);
        var window = new byte[consumedTail.Length + got];
        consumedTail.CopyTo(window);
        lookahead.AsSpan(0, got).CopyTo(window.AsSpan(consumedTail.Length));

        // The inflater stops reading as soon as the deflate data ends, so the unused bytes are a suffix of the last chunk.
        for (var unused = 0; unused <= consumedTail.Length; unused++)
        {
            var at = consumedTail.Length - unused;
            var length = MatchDataDescriptor(window, at, handed - unused, uncompressed);
            if (length > 0)
            {
                _input.Unread(window.AsSpan(at + length));
                return;
            }
        }

        throw new InvalidDataException($"zip entry '{entry.Name}' has no data descriptor matching its {uncompressed} bytes, so the zip is damaged");
    }

    /// <summary>The uncompressed bytes of one entry; reaching its end moves the reader past the entry.</summary>
    private sealed class EntryDataStream : AsyncReadOnlyStream
    {
        private readonly ZipStreamReader _owner;
        private readonly ZipLocalEntry _entry;
        private readonly CompressedFeed _feed;
        private readonly Stream _data;
        private long _uncompressed;

        public EntryDataStream(ZipStreamReader owner, ZipLocalEntry entry)
        {
            _owner = owner;
            _entry = entry;
            _feed = new CompressedFeed(owner._input, entry.CompressedSize);
            _data = entry.Method == ZipLocalEntry.Deflated ? new DeflateStream(_feed, CompressionMode.Decompress, leaveOpen: true) : _feed;
        }

        public bool IsFinished { get; private set; }

        public override long Position => _uncompressed;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (IsFinished || buffer.IsEmpty)
            {
                return 0;
            }

            var read = await _data.ReadAsync(buffer, cancellationToken);
            if (read > 0)
            {
                _uncompressed += read;
                return read;
            }

            if (_entry.CompressedSize is { } size && _feed.Handed < size)
            {
                // Known size: whatever the inflater left (padding) belongs to this entry.
                await _owner._input.SkipAsync(size - _feed.Handed, cancellationToken);
            }

            await _owner.FinishEntryAsync(_entry, _feed.Handed, _feed.LastChunk, _uncompressed, cancellationToken);
            IsFinished = true;
            return 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !ReferenceEquals(_data, _feed))
            {
                _data.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// Hands an entry's compressed bytes to the inflater, at most up to its known size, and keeps a copy of
    /// the last chunk handed, where the end of a self-terminating deflate stream must lie.
    /// </summary>
    private sealed class CompressedFeed : AsyncReadOnlyStream
    {
        private const int ChunkSize = 16 * 1024;

        private readonly PushbackReader _input;
        private readonly long? _size;
        private readonly byte[] _lastChunk = new byte[ChunkSize];
        private int _lastLength;

        public CompressedFeed(PushbackReader input, long? size)
        {
            _input = input;
            _size = size;
        }

        public long Handed { get; private set; }

        public ReadOnlyMemory<byte> LastChunk => _lastChunk.AsMemory(0, _lastLength);

        public override long Position => Handed;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var limit = Math.Min(buffer.Length, ChunkSize);
            if (_size is { } size)
            {
                limit = (int)Math.Min(limit, size - Handed);
                if (limit == 0)
                {
                    return 0;
                }
            }

            var read = await _input.ReadAsync(buffer[..limit], cancellationToken);
            if (read == 0)
            {
                throw new EndOfStreamException("the artifact ends in the middle of a zip entry, so it is truncated");
            }

            buffer.Span[..read].CopyTo(_lastChunk);
            _lastLength = read;
            Handed += read;
            return read;
        }
    }
}
