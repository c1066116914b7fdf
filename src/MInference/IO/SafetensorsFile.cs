using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace MInference.IO;

/// <summary>
/// A safetensors file opened for reading: an 8-byte little-endian header length n, n bytes of UTF-8
/// JSON header, then the data buffer holding each tensor little-endian and row-major. <see cref="Open"/>
/// validates the whole header against the file before it returns, so later reads fail only for I/O
/// reasons or for a dtype the read does not handle. The data buffer is memory-mapped read-only.
/// Reads may run concurrently; <see cref="Dispose"/> must not run during one.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    /// <summary>The largest header length accepted, in bytes (100 MiB); larger ones are taken for a corrupt file.</summary>
    public const long MaxHeaderLength = 100L * 1024 * 1024;

    /// <summary>Size of the little-endian header length that starts the file.</summary>
    internal const int LengthPrefixSize = 8;

    private const int MaxListedNames = 5;

    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly Dictionary<string, SafetensorsTensorInfo> _byName;
    private bool _disposed;

    private SafetensorsFile(string path, long headerLength, long dataLength, SafetensorsHeader header, MemoryMappedFile? map, MemoryMappedViewAccessor? view)
    {
        Path = path;
        HeaderLength = headerLength;
        DataLength = dataLength;
        Tensors = header.Tensors;
        Metadata = header.Metadata;
        _byName = header.Tensors.ToDictionary(tensor => tensor.Name, StringComparer.Ordinal);
        _map = map;
        _view = view;
    }

    /// <summary>The path the file was opened with.</summary>
    public string Path { get; }

    /// <summary>Length of the JSON header in bytes (the value of the first 8 bytes), padding included.</summary>
    public long HeaderLength { get; }

    /// <summary>Offset of the data buffer from the start of the file: 8 + <see cref="HeaderLength"/>.</summary>
    public long DataOffset => LengthPrefixSize + HeaderLength;

    /// <summary>Length of the data buffer in bytes; the tensors cover it exactly.</summary>
    public long DataLength { get; }

    /// <summary>Every tensor in file order: sorted by data offset (tensors of zero bytes at the same offset in header order).</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> entries; empty when it has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens and validates a safetensors file.</summary>
    /// <param name="path">The file's path; messages repeat it as given.</param>
    /// <exception cref="SafetensorsFormatException">The file is not a well-formed safetensors file; the message says what is wrong.</exception>
    /// <exception cref="IOException">The file cannot be read (<see cref="FileNotFoundException"/> when it does not exist).</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static SafetensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        MemoryMappedFile? map = null;
        try
        {
            long fileLength = stream.Length;
            long headerLength = ReadHeaderLength(path, stream, fileLength);
            byte[] headerBytes = new byte[headerLength];
            stream.ReadExactly(headerBytes);

            long dataLength = fileLength - LengthPrefixSize - headerLength;
            SafetensorsHeader header = new SafetensorsHeaderParser(path, dataLength).Parse(headerBytes);

            // A mapping cannot be empty: without data (every tensor has zero bytes) nothing is mapped.
            MemoryMappedViewAccessor? view = null;
            if (dataLength > 0)
            {
                map = MemoryMappedFile.CreateFromFile(stream, mapName: null, capacity: 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
                view = map.CreateViewAccessor(LengthPrefixSize + headerLength, dataLength, MemoryMappedFileAccess.Read);
            }
            else
            {
                stream.Dispose();
            }

            return new SafetensorsFile(path, headerLength, dataLength, header, map, view);
        }
        catch
        {
            map?.Dispose();
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Finds a tensor by name (case-sensitive).</summary>
    /// <returns>False when the file has no tensor of that name.</returns>
    public bool TryGet(string name, [NotNullWhen(true)] out SafetensorsTensorInfo? info)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out info);
    }

    /// <summary>The tensor of that name (case-sensitive).</summary>
    /// <exception cref="KeyNotFoundException">The file has no tensor of that name; the message lists a few that it has.</exception>
    public SafetensorsTensorInfo Get(string name)
    {
        if (TryGet(name, out SafetensorsTensorInfo? info))
        {
            return info;
        }

        string available = Tensors.Count == 0
            ? "the file has no tensors"
            : $"the file has {Tensors.Count} tensor(s): {string.Join(", ", Tensors.Take(MaxListedNames).Select(tensor => $"'{tensor.Name}'"))}"
              + (Tensors.Count > MaxListedNames ? $" and {Tensors.Count - MaxListedNames} more" : "");
        throw new KeyNotFoundException($"{Path}: no tensor named '{name}'; {available}");
    }

    /// <summary>The raw bytes of a tensor (little-endian, row-major), whatever its dtype.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    /// <exception cref="NotSupportedException">The tensor has more than <see cref="Array.MaxLength"/> bytes; read it in parts.</exception>
    /// <exception cref="ObjectDisposedException">The file was disposed.</exception>
    public byte[] ReadBytes(string name)
    {
        SafetensorsTensorInfo info = Get(name);
        var bytes = new byte[ArrayLength(info, info.ByteLength, "bytes")];
        ReadArray(info, bytes);
        return bytes;
    }

    /// <summary>Copies <c>destination.Length</c> bytes of a tensor, starting <paramref name="byteOffset"/> bytes into it (for tensors too large for one array).</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the tensor's bytes.</exception>
    /// <exception cref="ObjectDisposedException">The file was disposed.</exception>
    public void ReadBytes(string name, long byteOffset, Span<byte> destination)
    {
        SafetensorsTensorInfo info = Get(name);
        ArgumentOutOfRangeException.ThrowIfNegative(byteOffset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(byteOffset, info.ByteLength - destination.Length, nameof(byteOffset));
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (destination.Length > 0)
        {
            _view!.SafeMemoryMappedViewHandle.ReadSpan((ulong)(_view.PointerOffset + info.DataBegin + byteOffset), destination);
        }
    }

    /// <summary>The values of an F32, F16 or BF16 tensor as floats (16-bit values widened exactly), row-major.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    /// <exception cref="NotSupportedException">The tensor's dtype is not F32, F16 or BF16, or it has more than <see cref="Array.MaxLength"/> elements.</exception>
    /// <exception cref="ObjectDisposedException">The file was disposed.</exception>
    public float[] ReadAsSingle(string name)
    {
        SafetensorsTensorInfo info = Get(name);
        switch (info.DType)
        {
            case SafetensorsDType.Float32:
                var values = new float[ArrayLength(info, info.ElementCount, "elements")];
                ReadArray(info, values);
                if (!BitConverter.IsLittleEndian)
                {
                    Span<uint> bits = MemoryMarshal.Cast<float, uint>(values.AsSpan());
                    BinaryPrimitives.ReverseEndianness(bits, bits);
                }

                return values;
            case SafetensorsDType.Float16:
            case SafetensorsDType.BFloat16:
                ushort[] halfBits = ReadHalfBits(info);
                var widened = new float[halfBits.Length];
                if (info.DType == SafetensorsDType.Float16)
                {
                    HalfPrecision.FromFloat16(halfBits, widened);
                }
                else
                {
                    HalfPrecision.FromBFloat16(halfBits, widened);
                }

                return widened;
            default:
                throw new NotSupportedException(
                    $"{Path}: tensor '{name}' is {info.DType.HeaderName}; ReadAsSingle reads F32, F16 and BF16 (ReadBytes reads any dtype)");
        }
    }

    /// <summary>The raw 16-bit values of an F16 or BF16 tensor, row-major; <see cref="SafetensorsTensorInfo.DType"/> says which of the two.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    /// <exception cref="NotSupportedException">The tensor's dtype is not F16 or BF16, or it has more than <see cref="Array.MaxLength"/> elements.</exception>
    /// <exception cref="ObjectDisposedException">The file was disposed.</exception>
    public ushort[] ReadHalfBits(string name) => ReadHalfBits(name, out _);

    /// <summary>The raw 16-bit values of an F16 or BF16 tensor, row-major, and which of the two it is.</summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="dtype"><see cref="SafetensorsDType.Float16"/> or <see cref="SafetensorsDType.BFloat16"/>.</param>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    /// <exception cref="NotSupportedException">The tensor's dtype is not F16 or BF16, or it has more than <see cref="Array.MaxLength"/> elements.</exception>
    /// <exception cref="ObjectDisposedException">The file was disposed.</exception>
    public ushort[] ReadHalfBits(string name, out SafetensorsDType dtype)
    {
        SafetensorsTensorInfo info = Get(name);
        if (info.DType is not (SafetensorsDType.Float16 or SafetensorsDType.BFloat16))
        {
            throw new NotSupportedException($"{Path}: tensor '{name}' is {info.DType.HeaderName}; ReadHalfBits reads F16 and BF16 (ReadAsSingle reads F32)");
        }

        dtype = info.DType;
        return ReadHalfBits(info);
    }

    /// <summary>Unmaps the file and closes it. The tensor list and metadata stay readable.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _view?.Dispose();
        _map?.Dispose();
    }

    private static long ReadHeaderLength(string path, FileStream stream, long fileLength)
    {
        if (fileLength < LengthPrefixSize)
        {
            throw new SafetensorsFormatException(path, null,
                $"the file is {fileLength} bytes long; expected at least 8 (the little-endian header length) followed by a JSON header");
        }

        Span<byte> prefix = stackalloc byte[LengthPrefixSize];
        stream.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        long available = fileLength - LengthPrefixSize;
        if (headerLength == 0)
        {
            throw new SafetensorsFormatException(path, null, $"the header length is 0; expected 1 to {MaxHeaderLength} bytes of JSON header");
        }

        if (headerLength > MaxHeaderLength)
        {
            throw new SafetensorsFormatException(path, null,
                $"the header length {headerLength} is over the limit of {MaxHeaderLength} bytes; expected 1 to {MaxHeaderLength} (is this a safetensors file?)");
        }

        if ((long)headerLength > available)
        {
            throw new SafetensorsFormatException(path, null,
                $"the header length {headerLength} is more than the {available} bytes after the length (the file is {fileLength} bytes); the file is truncated or not a safetensors file");
        }

        return (long)headerLength;
    }

    private ushort[] ReadHalfBits(SafetensorsTensorInfo info)
    {
        var bits = new ushort[ArrayLength(info, info.ElementCount, "elements")];
        ReadArray(info, bits);
        if (!BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(bits, bits);
        }

        return bits;
    }

    private int ArrayLength(SafetensorsTensorInfo info, long count, string unit)
    {
        if (count > Array.MaxLength)
        {
            throw new NotSupportedException(
                $"{Path}: tensor '{info.Name}' has {count} {unit}, more than an array holds (Array.MaxLength = {Array.MaxLength}); read its bytes in parts with ReadBytes(name, byteOffset, destination)");
        }

        return (int)count;
    }

    private void ReadArray<T>(SafetensorsTensorInfo info, T[] destination)
        where T : struct
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (destination.Length > 0)
        {
            _view!.ReadArray(info.DataBegin, destination, 0, destination.Length);
        }
    }
}
