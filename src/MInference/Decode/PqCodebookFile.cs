using System.Globalization;
using MInference.IO;

namespace MInference.Decode;

/// <summary>
/// The .safetensors form of <see cref="PqCodebooks"/>: two F32 tensors <c>key_centroids</c> and
/// <c>value_centroids</c>, each [layers, kv_heads, M, C, head_dim / M] (per layer and kv head) or
/// [1, 1, M, C, head_dim / M] (shared), and the metadata <c>format</c> = <c>minference.pq_codebooks</c>,
/// <c>version</c> = 1, <c>granularity</c> (<c>per_layer_kv_head</c> | <c>shared</c>), <c>layers</c>,
/// <c>kv_heads</c>, <c>head_dim</c>, <c>subspaces</c>, <c>centroids</c>.
/// </summary>
internal static class PqCodebookFile
{
    public const string FormatName = "minference.pq_codebooks";
    public const string KeyTensor = "key_centroids";
    public const string ValueTensor = "value_centroids";
    private const string Version = "1";
    private const string PerLayerKvHeadName = "per_layer_kv_head";
    private const string SharedName = "shared";

    public static void Write(PqCodebooks codebooks, string path)
    {
        bool shared = codebooks.Granularity == PqCodebookGranularity.Shared;
        int layers = shared ? 1 : codebooks.Layers;
        int kvHeads = shared ? 1 : codebooks.KvHeads;
        long[] shape = [layers, kvHeads, codebooks.Subspaces, codebooks.Centroids, codebooks.HeadDim / codebooks.Subspaces];
        var writer = new SafetensorsWriter();
        writer.Add(SafetensorsTensor.FromSingle(KeyTensor, shape, Concatenate(layers, kvHeads, codebooks.Keys)));
        writer.Add(SafetensorsTensor.FromSingle(ValueTensor, shape, Concatenate(layers, kvHeads, codebooks.Values)));
        writer.SetMetadata("format", FormatName)
            .SetMetadata("version", Version)
            .SetMetadata("granularity", shared ? SharedName : PerLayerKvHeadName)
            .SetMetadata("layers", Text(codebooks.Layers))
            .SetMetadata("kv_heads", Text(codebooks.KvHeads))
            .SetMetadata("head_dim", Text(codebooks.HeadDim))
            .SetMetadata("subspaces", Text(codebooks.Subspaces))
            .SetMetadata("centroids", Text(codebooks.Centroids));
        writer.Write(path);
    }

    public static PqCodebooks Read(string path)
    {
        using SafetensorsFile file = SafetensorsFile.Open(path);
        Expect(path, Metadata(file, "format") == FormatName, $"metadata format = '{Metadata(file, "format")}'; expected '{FormatName}'");
        Expect(path, Metadata(file, "version") == Version, $"metadata version = '{Metadata(file, "version")}'; expected '{Version}'");
        string granularityName = Metadata(file, "granularity");
        Expect(path, granularityName is PerLayerKvHeadName or SharedName, $"metadata granularity = '{granularityName}'; expected '{PerLayerKvHeadName}' or '{SharedName}'");
        bool shared = granularityName == SharedName;
        int layers = Integer(file, "layers");
        int kvHeads = Integer(file, "kv_heads");
        int headDim = Integer(file, "head_dim");
        int subspaces = Integer(file, "subspaces");
        int centroids = Integer(file, "centroids");
        try
        {
            PqShape.Validate(headDim, subspaces, centroids, "metadata ", nameof(path));
        }
        catch (ArgumentOutOfRangeException exception)
        {
            throw new PqCodebookFormatException($"{path}: {exception.Message}", exception);
        }

        int books = shared ? 1 : layers * kvHeads;
        long[] shape = [shared ? 1 : layers, shared ? 1 : kvHeads, subspaces, centroids, headDim / subspaces];
        PqCodebook[] keys = ReadBooks(file, KeyTensor, shape, books, headDim, subspaces);
        PqCodebook[] values = ReadBooks(file, ValueTensor, shape, books, headDim, subspaces);
        return new PqCodebooks(shared ? PqCodebookGranularity.Shared : PqCodebookGranularity.PerLayerKvHead, layers, kvHeads, keys, values);
    }

    private static PqCodebook[] ReadBooks(SafetensorsFile file, string name, long[] shape, int books, int headDim, int subspaces)
    {
        Expect(file.Path, file.TryGet(name, out SafetensorsTensorInfo? info), $"no tensor '{name}'; expected '{KeyTensor}' and '{ValueTensor}'");
        Expect(file.Path, info!.DType == SafetensorsDType.Float32, $"tensor '{name}' is {info.DType.HeaderName}; expected F32");
        Expect(file.Path, info.Shape.SequenceEqual(shape), $"tensor '{name}' has shape [{string.Join(", ", info.Shape)}]; expected [{string.Join(", ", shape)}] from the metadata");
        float[] all = file.ReadAsSingle(name);
        int bad = PqCodebook.IndexOfNonFinite(all);
        Expect(file.Path, bad < 0, $"tensor '{name}' element {bad} is {(bad < 0 ? 0 : all[bad])}; expected finite centroids");
        int size = all.Length / books;
        var result = new PqCodebook[books];
        for (int i = 0; i < books; i++)
        {
            result[i] = new PqCodebook(headDim, subspaces, all.AsSpan(i * size, size));
        }

        return result;
    }

    private static float[] Concatenate(int layers, int kvHeads, Func<int, int, PqCodebook> select)
    {
        var parts = new List<float>();
        for (int layer = 0; layer < layers; layer++)
        {
            for (int kvHead = 0; kvHead < kvHeads; kvHead++)
            {
                parts.AddRange(select(layer, kvHead).CentroidValues);
            }
        }

        return [.. parts];
    }

    private static string Metadata(SafetensorsFile file, string key)
    {
        Expect(file.Path, file.Metadata.TryGetValue(key, out string? value), $"no metadata '{key}'; expected the metadata PqCodebooks.Save writes");
        return value!;
    }

    private static int Integer(SafetensorsFile file, string key)
    {
        string text = Metadata(file, key);
        bool parsed = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value);
        Expect(file.Path, parsed && value >= 1, $"metadata {key} = '{text}'; expected a positive integer");
        return value;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Expect(string path, bool condition, string problem)
    {
        if (!condition)
        {
            throw new PqCodebookFormatException($"{path}: {problem}");
        }
    }
}
