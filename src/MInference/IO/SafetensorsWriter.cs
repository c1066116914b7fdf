using System.Buffers.Binary;

namespace MInference.IO;

/// <summary>
/// Writes safetensors files: collect tensors (and optional metadata), then <see cref="Write(string)"/>.
/// Everything is validated before anything is written. The header is padded with spaces to a multiple
/// of 8 bytes and the tensors follow back to back in the order added. The file is written atomically:
/// to a temporary file in the same directory, flushed to disk, then moved over the target, so readers
/// see the old file or the complete new one, and a failure leaves any existing target untouched and no
/// temporary file behind.
/// </summary>
public sealed class SafetensorsWriter
{
    private readonly List<SafetensorsTensor> _tensors = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);

    /// <summary>The tensors added, in order.</summary>
    public IReadOnlyList<SafetensorsTensor> Tensors => _tensors.AsReadOnly();

    /// <summary>The metadata set (written as the header's <c>__metadata__</c>, keys in ordinal order).</summary>
    public IReadOnlyDictionary<string, string> Metadata => _metadata.AsReadOnly();

    /// <summary>Adds a tensor after those already added.</summary>
    /// <returns>This writer.</returns>
    /// <exception cref="ArgumentException">A tensor of the same name was already added.</exception>
    public SafetensorsWriter Add(SafetensorsTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!_names.Add(tensor.Name))
        {
            throw new ArgumentException($"a tensor named '{tensor.Name}' was already added; expected unique names", nameof(tensor));
        }

        _tensors.Add(tensor);
        return this;
    }

    /// <summary>Adds a tensor from its raw bytes; see <see cref="SafetensorsTensor(string, SafetensorsDType, ReadOnlySpan{long}, ReadOnlyMemory{byte})"/>.</summary>
    /// <returns>This writer.</returns>
    /// <exception cref="ArgumentException">The tensor is invalid, or one of the same name was already added.</exception>
    public SafetensorsWriter Add(string name, SafetensorsDType dtype, ReadOnlySpan<long> shape, ReadOnlyMemory<byte> data) =>
        Add(new SafetensorsTensor(name, dtype, shape, data));

    /// <summary>Sets a metadata entry, replacing any of the same key.</summary>
    /// <returns>This writer.</returns>
    /// <exception cref="ArgumentException">The key or value holds a lone surrogate.</exception>
    public SafetensorsWriter SetMetadata(string key, string value)
    {
        ValidateMetadataEntry(key, value);
        _metadata[key] = value;
        return this;
    }

    /// <summary>Writes the tensors and metadata to <paramref name="path"/>, atomically replacing any file there.</summary>
    /// <exception cref="ArgumentException">The path names no file, or the header would be over <see cref="SafetensorsFile.MaxHeaderLength"/>.</exception>
    /// <exception cref="IOException">Writing or replacing failed (e.g. <see cref="DirectoryNotFoundException"/>); nothing was changed.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory or target may not be written; nothing was changed.</exception>
    public void Write(string path) => Write(path, _tensors, _metadata);

    /// <summary>Writes <paramref name="tensors"/>, in order, and <paramref name="metadata"/> to <paramref name="path"/>, atomically replacing any file there.</summary>
    /// <param name="path">The file to write; its directory must exist.</param>
    /// <param name="tensors">Tensors with unique names.</param>
    /// <param name="metadata">Metadata entries, or null for none.</param>
    /// <exception cref="ArgumentException">A tensor is null or repeats a name, a metadata key or value holds a lone surrogate, the path names no file, or the header would be over <see cref="SafetensorsFile.MaxHeaderLength"/>.</exception>
    /// <exception cref="IOException">Writing or replacing failed (e.g. <see cref="DirectoryNotFoundException"/>); nothing was changed.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory or target may not be written; nothing was changed.</exception>
    public static void Write(string path, IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        SafetensorsTensor[] list = tensors.ToArray();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < list.Length; i++)
        {
            SafetensorsTensor tensor = list[i] ?? throw new ArgumentException($"tensors[{i}] is null; expected a tensor", nameof(tensors));
            if (!names.Add(tensor.Name))
            {
                throw new ArgumentException($"tensors[{i}]: the name '{tensor.Name}' appears more than once; expected unique names", nameof(tensors));
            }
        }

        metadata ??= new Dictionary<string, string>();
        foreach (KeyValuePair<string, string> entry in metadata)
        {
            ValidateMetadataEntry(entry.Key, entry.Value);
        }

        string fullPath = System.IO.Path.GetFullPath(path);
        string fileName = System.IO.Path.GetFileName(fullPath);
        string? directory = System.IO.Path.GetDirectoryName(fullPath);
        if (fileName.Length == 0 || directory is null)
        {
            throw new ArgumentException($"'{path}' names no file; expected a file path", nameof(path));
        }

        byte[] header = SafetensorsHeaderWriter.Build(list, metadata);
        if (header.Length > SafetensorsFile.MaxHeaderLength)
        {
            throw new ArgumentException(
                $"the header would be {header.Length} bytes, over the limit of {SafetensorsFile.MaxHeaderLength} (SafetensorsFile.MaxHeaderLength); expected fewer tensors or less metadata", nameof(tensors));
        }

        string temporary = System.IO.Path.Combine(directory, $".{fileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            WriteFile(temporary, header, list);
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void WriteFile(string path, byte[] header, SafetensorsTensor[] tensors)
    {
        long dataLength = tensors.Sum(tensor => (long)tensor.Data.Length);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 1 << 16,
            PreallocationSize = SafetensorsFile.LengthPrefixSize + header.Length + dataLength,
        };
        using var stream = new FileStream(path, options);
        Span<byte> prefix = stackalloc byte[SafetensorsFile.LengthPrefixSize];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        foreach (SafetensorsTensor tensor in tensors)
        {
            stream.Write(tensor.Data.Span);
        }

        stream.Flush(flushToDisk: true);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original failure is the one to report.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }

    private static void ValidateMetadataEntry(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (!SafetensorsText.IsWellFormed(key) || !SafetensorsText.IsWellFormed(value))
        {
            throw new ArgumentException($"metadata key '{key}': the key or value holds a lone surrogate; expected well-formed UTF-16", nameof(key));
        }
    }
}
