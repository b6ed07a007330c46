using System.Text;

namespace ClusterCtl.Testing;

/// <summary>
/// A one-entry zip in rke-tools' layout whose central directory declares any uncompressed size, with zip64 records
/// when it is beyond 32 bits: the way to show that a size is taken from the central directory, and that a zip lying
/// about it cannot make a restore write more than was checked. The entry is stored, with its true sizes in the local
/// header, so a streaming reader reads its real bytes.
/// </summary>
internal static class HandMadeZip
{
    private const uint Saturated = 0xFFFFFFFF;

    public static byte[] Create(string entryName, byte[] data, long declaredSize)
    {
        var name = Encoding.ASCII.GetBytes(entryName);
        var crc = Crc32(data);
        var zip64 = declaredSize >= Saturated;
        using var output = new MemoryStream();
        var writer = new BinaryWriter(output);

        // Local header and data.
        writer.Write(0x04034b50u);
        writer.Write((ushort)45);
        writer.Write((ushort)0);
        writer.Write((ushort)0);
        writer.Write(0x00210000u);
        writer.Write(crc);
        writer.Write((uint)data.Length);
        writer.Write((uint)data.Length);
        writer.Write((ushort)name.Length);
        writer.Write((ushort)0);
        writer.Write(name);
        writer.Write(data);

        // Central directory.
        var directoryOffset = output.Position;
        writer.Write(0x02014b50u);
        writer.Write((ushort)0x032D);
        writer.Write((ushort)45);
        writer.Write((ushort)0);
        writer.Write((ushort)0);
        writer.Write(0x00210000u);
        writer.Write(crc);
        writer.Write((uint)data.Length);
        writer.Write(zip64 ? Saturated : (uint)declaredSize);
        writer.Write((ushort)name.Length);
        writer.Write((ushort)(zip64 ? 12 : 0));
        writer.Write((ushort)0);
        writer.Write((ushort)0);
        writer.Write((ushort)0);
        writer.Write(0x81A40000u);
        writer.Write(0u);
        writer.Write(name);
        if (zip64)
        {
            writer.Write((ushort)0x0001);
            writer.Write((ushort)8);
            writer.Write(declaredSize);
        }

        var directorySize = output.Position - directoryOffset;
        if (zip64)
        {
            var zip64End = output.Position;
            writer.Write(0x06064b50u);
            writer.Write(44L);
            writer.Write((ushort)45);
            writer.Write((ushort)45);
            writer.Write(0u);
            writer.Write(0u);
            writer.Write(1L);
            writer.Write(1L);
            writer.Write(directorySize);
            writer.Write(directoryOffset);
            writer.Write(0x07064b50u);
            writer.Write(0u);
            writer.Write(zip64End);
            writer.Write(1u);
        }

        writer.Write(0x06054b50u);
        writer.Write((ushort)0);
        writer.Write((ushort)0);
        writer.Write((ushort)1);
        writer.Write((ushort)1);
        writer.Write((uint)directorySize);
        writer.Write((uint)directoryOffset);
        writer.Write((ushort)0);
        writer.Flush();
        return output.ToArray();
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
