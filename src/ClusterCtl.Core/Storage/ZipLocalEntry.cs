namespace ClusterCtl.Storage;

/// <summary>A zip entry as its local file header describes it; sizes are null when a data descriptor follows the data instead.</summary>
internal sealed record ZipLocalEntry(string Name, ushort Flags, ushort Method, long? CompressedSize, long? UncompressedSize)
{
    public const ushort Stored = 0;
    public const ushort Deflated = 8;

    public bool HasDataDescriptor => (Flags & 0x0008) != 0;
}
