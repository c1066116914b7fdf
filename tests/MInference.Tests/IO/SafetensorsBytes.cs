using System.Buffers.Binary;
using System.Text;

namespace MInference.Tests.IO;

/// <summary>Assembles safetensors files byte by byte, valid or not, for the reader tests.</summary>
internal static class SafetensorsBytes
{
    /// <summary>An 8-byte little-endian length of <paramref name="header"/>'s UTF-8 bytes, the header, then <paramref name="dataLength"/> bytes 0, 1, 2, ...</summary>
    public static byte[] File(string header, int dataLength = 0) => File(Encoding.UTF8.GetBytes(header), dataLength);

    /// <summary>As <see cref="File(string, int)"/> with raw header bytes.</summary>
    public static byte[] File(byte[] header, int dataLength = 0) =>
        [.. Prefix((ulong)header.Length), .. header, .. Enumerable.Range(0, dataLength).Select(i => (byte)i)];

    /// <summary>A length prefix claiming <paramref name="headerLength"/>, followed by <paramref name="rest"/>.</summary>
    public static byte[] WithLength(ulong headerLength, string rest) => [.. Prefix(headerLength), .. Encoding.UTF8.GetBytes(rest)];

    public static byte[] Prefix(ulong headerLength)
    {
        var prefix = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, headerLength);
        return prefix;
    }
}
