using System.Text.Json;

namespace MInference.IO;

/// <summary>
/// Reads one tensor entry of a header, <c>{"dtype": ..., "shape": [...], "data_offsets": [begin, end]}</c>,
/// and checks it on its own: exactly those fields, a known dtype, non-negative integer dimensions and
/// offsets, a size that fits in 64 bits, a byte count that matches the shape, and a range inside the
/// data buffer. Where tensors lie relative to each other is <see cref="SafetensorsLayoutCheck"/>'s job.
/// </summary>
internal sealed class SafetensorsEntryReader
{
    private const string DTypeField = "dtype";
    private const string ShapeField = "shape";
    private const string OffsetsField = "data_offsets";
    private const string ExpectedFields = "expected exactly the fields \"dtype\", \"shape\" and \"data_offsets\"";

    private readonly string _path;
    private readonly long _dataLength;

    /// <param name="path">The file's path, for messages.</param>
    /// <param name="dataLength">Length in bytes of the data buffer that follows the header.</param>
    public SafetensorsEntryReader(string path, long dataLength)
    {
        _path = path;
        _dataLength = dataLength;
    }

    public SafetensorsTensorInfo Read(string name, JsonElement entry)
    {
        if (name.Length == 0)
        {
            throw Error(null, "a tensor has an empty name (\"\"); expected a non-empty name");
        }

        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw Error(name, $"the entry is {SafetensorsJson.Describe(entry)}; expected an object with the fields \"dtype\", \"shape\" and \"data_offsets\"");
        }

        JsonElement? dtypeValue = null, shapeValue = null, offsetsValue = null;
        foreach (JsonProperty field in entry.EnumerateObject())
        {
            string fieldName = SafetensorsJson.GetName(field, _path, name);
            ref JsonElement? slot = ref dtypeValue;
            switch (fieldName)
            {
                case DTypeField:
                    break;
                case ShapeField:
                    slot = ref shapeValue;
                    break;
                case OffsetsField:
                    slot = ref offsetsValue;
                    break;
                default:
                    throw Error(name, $"unexpected field \"{SafetensorsJson.Quote(fieldName)}\"; {ExpectedFields}");
            }

            if (slot is not null)
            {
                throw Error(name, $"field \"{fieldName}\" appears more than once; {ExpectedFields}, each once");
            }

            slot = field.Value;
        }

        string[] missing = new[] { (DTypeField, dtypeValue), (ShapeField, shapeValue), (OffsetsField, offsetsValue) }
            .Where(field => field.Item2 is null).Select(field => $"\"{field.Item1}\"").ToArray();
        if (missing.Length > 0)
        {
            throw Error(name, $"missing field{(missing.Length == 1 ? "" : "s")} {string.Join(", ", missing)}; {ExpectedFields}");
        }

        SafetensorsDType dtype = ReadDType(name, dtypeValue!.Value);
        long[] shape = ReadShape(name, shapeValue!.Value);
        (long begin, long end) = ReadOffsets(name, offsetsValue!.Value);

        if (!SafetensorsShape.TryGetElementCount(shape, out long elementCount))
        {
            throw Error(name, $"shape {SafetensorsShape.Format(shape)} has more than {long.MaxValue} elements (the product of the dimensions overflows); expected a shape whose size fits in 64 bits");
        }

        if (!SafetensorsShape.TryGetByteCount(elementCount, dtype, out long byteCount))
        {
            throw Error(name, $"shape {SafetensorsShape.Format(shape)} of {dtype.HeaderName} spans more than {long.MaxValue} bytes ({elementCount} elements × {dtype.ElementSize} bytes overflows); expected a size that fits in 64 bits");
        }

        if (end - begin != byteCount)
        {
            throw Error(name, $"data_offsets [{begin}, {end}] hold {end - begin} bytes; expected {SafetensorsShape.DescribeByteCount(dtype, shape, elementCount, byteCount)}");
        }

        if (end > _dataLength)
        {
            throw Error(name, $"data_offsets [{begin}, {end}] end past the {_dataLength}-byte data buffer ({end - _dataLength} byte(s) missing); the file is truncated or the offsets are wrong, expected the tensor inside the data buffer");
        }

        return new SafetensorsTensorInfo(name, dtype, shape, elementCount, begin, end);
    }

    private SafetensorsDType ReadDType(string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw Error(name, $"dtype is {SafetensorsJson.Describe(value)}; expected a string, one of {SafetensorsDTypeExtensions.KnownNames}");
        }

        string text = SafetensorsJson.GetString(value, _path, name, "dtype");
        if (!SafetensorsDTypeExtensions.TryParseHeaderName(text, out SafetensorsDType dtype))
        {
            throw Error(name, $"unknown dtype \"{SafetensorsJson.Quote(text)}\"; expected one of {SafetensorsDTypeExtensions.KnownNames}");
        }

        return dtype;
    }

    private long[] ReadShape(string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Error(name, $"shape is {SafetensorsJson.Describe(value)}; expected an array of non-negative integers");
        }

        var shape = new long[value.GetArrayLength()];
        int dimension = 0;
        foreach (JsonElement item in value.EnumerateArray())
        {
            shape[dimension] = SafetensorsJson.GetNonNegativeInteger(item, _path, name, $"shape[{dimension}]");
            dimension++;
        }

        return shape;
    }

    private (long Begin, long End) ReadOffsets(string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 2)
        {
            string got = value.ValueKind == JsonValueKind.Array ? $"an array of {value.GetArrayLength()} item(s)" : SafetensorsJson.Describe(value);
            throw Error(name, $"data_offsets is {got}; expected [begin, end], two non-negative integers");
        }

        long begin = SafetensorsJson.GetNonNegativeInteger(value[0], _path, name, "data_offsets[0]");
        long end = SafetensorsJson.GetNonNegativeInteger(value[1], _path, name, "data_offsets[1]");
        if (begin > end)
        {
            throw Error(name, $"data_offsets [{begin}, {end}]: begin is after end; expected begin <= end");
        }

        return (begin, end);
    }

    private SafetensorsFormatException Error(string? tensorName, string problem) => new(_path, tensorName, problem);
}
