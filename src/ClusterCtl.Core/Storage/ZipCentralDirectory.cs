using System.Buffers.Binary;
using System.Text;

namespace ClusterCtl.Storage;

/// <summary>
/// Reads a zip's entries and their uncompressed sizes from the zip's last bytes alone (end record, zip64 records,
/// central directory), so the size of the db inside a zip on a node or in S3 is known without reading the zip.
/// The central directory is the one reliable place for it: rke-tools' Go writer puts data descriptors after each
/// entry and zeros in the local headers. Anything that does not add up gives null, never an exception: the bytes
/// come from outside.
/// </summary>
internal static class ZipCentralDirectory
{
    /// <summary>How many of the zip's last bytes to read: the end record with the longest comment, the zip64 records and a small central directory.</summary>
    public const int TailBytes = 128 * 1024;

    private const int EndRecordLength = 22;
    private const int Zip64LocatorLength = 20;
    private const int Zip64EndRecordLength = 56;
    private const int CentralHeaderLength = 46;
    private const uint Zip64LocatorSignature = 0x07064b50;

    /// <summary>One central directory entry.</summary>
    public sealed record Entry(string Name, long UncompressedSize);

    /// <summary>
    /// The entries, from <paramref name="tail"/>, the last bytes of a zip of <paramref name="zipLength"/> bytes;
    /// null when the tail holds no complete, consistent central directory.
    /// </summary>
    public static IReadOnlyList<Entry>? TryRead(ReadOnlySpan<byte> tail, long zipLength)
    {
        if (tail.Length > zipLength || tail.Length < EndRecordLength)
        {
            return null;
        }

        var tailStart = zipLength - tail.Length;
        var end = FindEndRecord(tail);
        if (end < 0)
        {
            return null;
        }

        long entries = BinaryPrimitives.ReadUInt16LittleEndian(tail[(end + 10)..]);
        long directorySize = BinaryPrimitives.ReadUInt32LittleEndian(tail[(end + 12)..]);
        long directoryOffset = BinaryPrimitives.ReadUInt32LittleEndian(tail[(end + 16)..]);
        var locator = end - Zip64LocatorLength;
        if (locator >= 0 && BinaryPrimitives.ReadUInt32LittleEndian(tail[locator..]) == Zip64LocatorSignature)
        {
            var zip64End = BinaryPrimitives.ReadInt64LittleEndian(tail[(locator + 8)..]) - tailStart;
            if (zip64End < 0 || zip64End + Zip64EndRecordLength > locator
                || BinaryPrimitives.ReadUInt32LittleEndian(tail[(int)zip64End..]) != ZipStreamReader.Zip64EndOfCentralDirectorySignature)
            {
                return null;
            }

            var record = tail[(int)zip64End..];
            entries = BinaryPrimitives.ReadInt64LittleEndian(record[32..]);
            directorySize = BinaryPrimitives.ReadInt64LittleEndian(record[40..]);
            directoryOffset = BinaryPrimitives.ReadInt64LittleEndian(record[48..]);
            end = (int)zip64End;
        }

        var start = directoryOffset - tailStart;
        if (entries < 0 || directorySize < 0 || start < 0 || start > end || directorySize > end - start)
        {
            return null;
        }

        return ReadEntries(tail.Slice((int)start, (int)directorySize), entries);
    }

    /// <summary>The uncompressed size of the zip's one db entry (neither a directory, our manifest nor an rkestate); null when there is not exactly one.</summary>
    public static long? DbSize(IReadOnlyList<Entry>? entries) =>
        entries?.Where(e => !SnapshotZipLayout.IsDirectory(e.Name) && !SnapshotZipLayout.IsManifest(e.Name) && !SnapshotZipLayout.IsRkeState(e.Name)).ToList()
            is [var db] ? db.UncompressedSize : null;

    private static int FindEndRecord(ReadOnlySpan<byte> tail)
    {
        // Backwards, because the comment after the end record is free text that may hold the signature too.
        for (var at = tail.Length - EndRecordLength; at >= 0 && at >= tail.Length - EndRecordLength - ushort.MaxValue; at--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail[at..]) == ZipStreamReader.EndOfCentralDirectorySignature
                && BinaryPrimitives.ReadUInt16LittleEndian(tail[(at + 20)..]) == tail.Length - at - EndRecordLength)
            {
                return at;
            }
        }

        return -1;
    }

    private static List<Entry>? ReadEntries(ReadOnlySpan<byte> directory, long count)
    {
        var entries = new List<Entry>();
        while (entries.Count < count)
        {
            if (directory.Length < CentralHeaderLength || BinaryPrimitives.ReadUInt32LittleEndian(directory) != ZipStreamReader.CentralDirectorySignature)
            {
                return null;
            }

            var flags = BinaryPrimitives.ReadUInt16LittleEndian(directory[8..]);
            long compressed = BinaryPrimitives.ReadUInt32LittleEndian(directory[20..]);
            long uncompressed = BinaryPrimitives.ReadUInt32LittleEndian(directory[24..]);
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(directory[28..]);
            var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(directory[30..]);
            var commentLength = BinaryPrimitives.ReadUInt16LittleEndian(directory[32..]);
            var length = CentralHeaderLength + nameLength + extraLength + commentLength;
            if (directory.Length < length)
            {
                return null;
            }

            var name = ((flags & 0x0800) != 0 ? Encoding.UTF8 : Encoding.Latin1).GetString(directory.Slice(CentralHeaderLength, nameLength));
            ZipStreamReader.ReadZip64Sizes(directory.Slice(CentralHeaderLength + nameLength, extraLength), ref uncompressed, ref compressed);
            if (uncompressed < 0 || uncompressed == ZipStreamReader.Saturated32)
            {
                return null;
            }

            entries.Add(new Entry(name, uncompressed));
            directory = directory[length..];
        }

        return entries;
    }
}
