namespace MInference.Decode;

/// <summary>Validated training tensors of <see cref="PqCodebooks.Train"/>: per layer, K and V [B, kv_heads, N, head_dim].</summary>
internal sealed class PqTrainingData
{
    public PqTrainingData(IReadOnlyList<ReadOnlyHostTensor> keys, IReadOnlyList<ReadOnlyHostTensor> values)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        if (keys.Count == 0 || keys.Count != values.Count)
        {
            throw new ArgumentException($"keys holds {keys.Count} layers and values {values.Count}; expected the same number, at least 1", nameof(values));
        }

        ReadOnlyHostTensor first = keys[0] ?? throw new ArgumentException("keys[0] is null; expected a tensor", nameof(keys));
        if (first.Layout.Rank != 4)
        {
            throw new ArgumentException($"keys[0] has layout {first.Layout}; expected rank 4 [B, kv_heads, N, head_dim]", nameof(keys));
        }

        KvHeads = (int)first.Layout.Lengths[1];
        HeadDim = (int)first.Layout.Lengths[3];
        Keys = CheckAll(keys, nameof(keys));
        Values = CheckAll(values, nameof(values));
    }

    public int Layers => Keys.Length;

    public int KvHeads { get; }

    public int HeadDim { get; }

    public ReadOnlyHostTensor[] Keys { get; }

    public ReadOnlyHostTensor[] Values { get; }

    /// <summary>
    /// Up to <paramref name="maxTokens"/> token vectors ([count, head_dim]) of one (layer, kv head), or
    /// of all when both are null, drawn without replacement (seeded partial Fisher–Yates over the
    /// token indices in (layer, batch, head, position) order, then sorted so the order is canonical).
    /// </summary>
    public float[] Sample(ReadOnlyHostTensor[] tensors, int? layer, int? kvHead, int maxTokens, int seed)
    {
        var tokens = new List<(int Layer, int Batch, int Head, int Position)>();
        for (int l = 0; l < Layers; l++)
        {
            ReadOnlySpan<nint> lengths = tensors[l].Layout.Lengths;
            for (int b = 0; b < lengths[0]; b++)
            {
                for (int h = 0; h < KvHeads; h++)
                {
                    if ((layer is null || layer == l) && (kvHead is null || kvHead == h))
                    {
                        for (int t = 0; t < lengths[2]; t++)
                        {
                            tokens.Add((l, b, h, t));
                        }
                    }
                }
            }
        }

        int centroids = PqCodebookOptions.SupportedCentroids;
        if (tokens.Count < centroids)
        {
            string which = layer is null ? "the shared codebook" : $"layer {layer}, kv head {kvHead}";
            throw new ArgumentException($"{which} has {tokens.Count} training tokens; expected at least C = {centroids}", nameof(tensors));
        }

        int count = Math.Min(maxTokens, tokens.Count);
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            int j = random.Next(i, tokens.Count);
            (tokens[i], tokens[j]) = (tokens[j], tokens[i]);
        }

        List<(int Layer, int Batch, int Head, int Position)> chosen = tokens.GetRange(0, count);
        chosen.Sort();
        var result = new float[count * HeadDim];
        for (int i = 0; i < count; i++)
        {
            (int l, int b, int h, int t) = chosen[i];
            ReadOnlySpan<float> data = tensors[l].Data.Span;
            ReadOnlySpan<nint> strides = tensors[l].Layout.Strides;
            long origin = (b * strides[0]) + (h * strides[1]) + (t * strides[2]);
            for (int d = 0; d < HeadDim; d++)
            {
                result[(i * HeadDim) + d] = data[(int)(origin + (d * strides[3]))];
            }
        }

        return result;
    }

    private ReadOnlyHostTensor[] CheckAll(IReadOnlyList<ReadOnlyHostTensor> tensors, string name)
    {
        var result = new ReadOnlyHostTensor[tensors.Count];
        for (int l = 0; l < tensors.Count; l++)
        {
            ReadOnlyHostTensor tensor = tensors[l] ?? throw new ArgumentException($"{name}[{l}] is null; expected a tensor", name);
            ReadOnlySpan<nint> lengths = tensor.Layout.Lengths;
            if (tensor.Layout.Rank != 4 || lengths[1] != KvHeads || lengths[3] != HeadDim)
            {
                throw new ArgumentException($"{name}[{l}] has layout {tensor.Layout}; expected [B, {KvHeads}, N, {HeadDim}] like keys[0]", name);
            }

            if (tensor.Layout.ElementCount > 0 && !AllFinite(tensor))
            {
                throw new ArgumentException($"{name}[{l}] holds a value that is not finite; expected finite keys and values", name);
            }

            result[l] = tensor;
        }

        return result;
    }

    private static bool AllFinite(ReadOnlyHostTensor tensor)
    {
        ReadOnlySpan<float> data = tensor.Data.Span;
        ReadOnlySpan<nint> lengths = tensor.Layout.Lengths;
        ReadOnlySpan<nint> strides = tensor.Layout.Strides;
        for (long b = 0; b < lengths[0]; b++)
        {
            for (long h = 0; h < lengths[1]; h++)
            {
                for (long t = 0; t < lengths[2]; t++)
                {
                    for (long d = 0; d < lengths[3]; d++)
                    {
                        if (!float.IsFinite(data[(int)((b * strides[0]) + (h * strides[1]) + (t * strides[2]) + (d * strides[3]))]))
                        {
                            return false;
                        }
                    }
                }
            }
        }

        return true;
    }
}
