using System.Globalization;
using MInference.Evaluation;
using MInference.IO;

namespace MInference.Cli.Run;

/// <summary>
/// Layers of q, k, v in a safetensors file, named <c>layers.{i}.q</c>, <c>layers.{i}.k</c> and
/// <c>layers.{i}.v</c> for i = 0, 1, ... (consecutive), each [B, H, N, D] (k and v [B, Hkv, N, D]),
/// row-major, in BF16, F16 or F32 (F32 is rounded to the compute dtype). Every layer must have
/// the same shape. The whole header is checked before any tensor is read.
/// </summary>
internal sealed class CapturedTensors : IDisposable
{
    private readonly SafetensorsFile _file;

    private CapturedTensors(SafetensorsFile file, int layers, long[] qShape, long[] kvShape, DType dtype)
    {
        _file = file;
        Layers = layers;
        (BatchSize, Heads, SequenceLength, HeadDim) = ((int)qShape[0], (int)qShape[1], (int)qShape[2], (int)qShape[3]);
        KvHeads = (int)kvShape[1];
        DType = dtype;
    }

    public int Layers { get; }

    public int BatchSize { get; }

    public int Heads { get; }

    public int KvHeads { get; }

    public int SequenceLength { get; }

    public int HeadDim { get; }

    /// <summary>The compute dtype: the option's, else q's when it is 16-bit, else bf16.</summary>
    public DType DType { get; }

    public string Path => _file.Path;

    public static string Name(int layer, string tensor) => string.Create(CultureInfo.InvariantCulture, $"layers.{layer}.{tensor}");

    /// <exception cref="SafetensorsFormatException">The file is malformed.</exception>
    /// <exception cref="ArgumentException">Tensors are missing or their shapes or dtypes do not fit.</exception>
    public static CapturedTensors Open(string path, DType? dtype)
    {
        SafetensorsFile file = SafetensorsFile.Open(path);
        try
        {
            if (!file.TryGet(Name(0, "q"), out SafetensorsTensorInfo? first))
            {
                throw new ArgumentException($"{path}: no tensor named {Name(0, "q")}; expected layers.{{i}}.q, .k and .v of shape [B, H, N, D] for i = 0, 1, ...");
            }

            int layers = 0;
            while (file.TryGet(Name(layers, "q"), out _))
            {
                layers++;
            }

            long[] qShape = [.. first.Shape];
            long[] kvShape = [];
            for (int layer = 0; layer < layers; layer++)
            {
                SafetensorsTensorInfo q = Require(file, layer, "q");
                SafetensorsTensorInfo k = Require(file, layer, "k");
                SafetensorsTensorInfo v = Require(file, layer, "v");
                RequireShape(path, q, qShape);
                kvShape = layer == 0 ? [.. k.Shape] : kvShape;
                RequireShape(path, k, kvShape);
                RequireShape(path, v, kvShape);
            }

            if (qShape.Length != 4 || kvShape.Length != 4 || qShape[0] != kvShape[0] || qShape[2] != kvShape[2] || qShape[3] != kvShape[3]
                || kvShape[1] < 1 || qShape[1] % kvShape[1] != 0 || qShape.Any(size => size < 1 || size > int.MaxValue))
            {
                throw new ArgumentException(
                    $"{path}: q is [{string.Join(", ", qShape)}] and k/v [{string.Join(", ", kvShape)}]; expected q [B, H, N, D] and k, v [B, Hkv, N, D] with Hkv dividing H");
            }

            DType compute = dtype ?? first.DType switch
            {
                SafetensorsDType.Float16 => DType.Float16,
                _ => DType.BFloat16,
            };
            return new CapturedTensors(file, layers, qShape, kvShape, compute);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads one layer, rounded to <see cref="DType"/>.</summary>
    public LayerInputs ReadLayer(int layer)
    {
        ReadOnlyHostTensor Read(string tensor, int heads) => new(
            _file.ReadAsSingle(Name(layer, tensor)), TensorLayout.Bhsd(BatchSize, heads, SequenceLength, HeadDim));
        return LayerInputs.RoundedTo(DType, Read("q", Heads), Read("k", KvHeads), Read("v", KvHeads));
    }

    public void Dispose() => _file.Dispose();

    private static SafetensorsTensorInfo Require(SafetensorsFile file, int layer, string tensor)
    {
        if (!file.TryGet(Name(layer, tensor), out SafetensorsTensorInfo? info))
        {
            throw new ArgumentException($"{file.Path}: layer {layer} has no tensor {Name(layer, tensor)}");
        }

        if (info.DType is not (SafetensorsDType.BFloat16 or SafetensorsDType.Float16 or SafetensorsDType.Float32))
        {
            throw new ArgumentException($"{file.Path}: {info.Name} is {info.DType}; expected BF16, F16 or F32");
        }

        return info;
    }

    private static void RequireShape(string path, SafetensorsTensorInfo info, long[] expected)
    {
        if (!info.Shape.SequenceEqual(expected))
        {
            throw new ArgumentException($"{path}: {info.Name} is [{string.Join(", ", info.Shape)}]; expected [{string.Join(", ", expected)}] like the other layers");
        }
    }
}
