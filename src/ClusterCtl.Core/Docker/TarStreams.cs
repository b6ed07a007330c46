using System.Formats.Tar;

namespace ClusterCtl.Docker;

/// <summary>
/// Builds and reads the single-file tar streams that the archive endpoints move. Both directions copy
/// through a small buffer, never the whole file, so an 8 GiB snapshot costs no more memory than a small one.
/// </summary>
internal static class TarStreams
{
    /// <summary>
    /// Writes a tar holding one regular file named <paramref name="name"/> with exactly <paramref name="length"/>
    /// bytes from <paramref name="content"/>. PAX format, so sizes of 8 GiB and more are recorded exactly.
    /// Neither stream is closed.
    /// </summary>
    public static async Task WriteSingleFileAsync(
        Stream output, string name, Stream content, long length, UnixFileMode mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrEmpty(name);

        await using var data = new ExactLengthReadStream(content, length);
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = mode,
            ModificationTime = DateTimeOffset.UtcNow,
            DataStream = data,
        };

        var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        await using (writer)
        {
            await writer.WriteEntryAsync(entry, cancellationToken);
        }
    }

    /// <summary>
    /// Copies the single regular file of a tar stream to <paramref name="destination"/> and describes it.
    /// Directory entries are skipped (docker adds none for a file path, but a tar of a directory may);
    /// anything else, a second file, or no file at all is an error, because the caller asked for one file. A file longer
    /// than <paramref name="maxLength"/>, when given, is an error before any of it is copied.
    /// </summary>
    public static async Task<TarFileInfo> ReadSingleFileAsync(Stream tar, Stream destination, CancellationToken cancellationToken, long? maxLength = null)
    {
        ArgumentNullException.ThrowIfNull(tar);
        ArgumentNullException.ThrowIfNull(destination);

        TarFileInfo? found = null;
        var reader = new TarReader(tar, leaveOpen: true);
        await using (reader)
        {
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        continue;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        if (found is not null)
                        {
                            throw new InvalidDataException($"the archive holds more than one file ('{found.Name}', '{entry.Name}')");
                        }

                        if (entry.Length > maxLength)
                        {
                            throw new InvalidDataException($"'{entry.Name}' has {entry.Length} bytes, more than the {maxLength} expected");
                        }

                        if (entry.DataStream is not null)
                        {
                            await entry.DataStream.CopyToAsync(destination, cancellationToken);
                        }

                        found = new TarFileInfo(entry.Name, entry.Length, entry.Mode);
                        break;
                    default:
                        throw new InvalidDataException($"the archive holds a {entry.EntryType} entry '{entry.Name}' where a regular file was expected");
                }
            }
        }

        return found ?? throw new InvalidDataException("the archive holds no file");
    }
}
