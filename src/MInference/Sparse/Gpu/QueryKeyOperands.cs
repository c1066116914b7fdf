namespace MInference.Sparse.Gpu;

/// <summary>
/// The Q and K of an estimation step, checked by the attention operand rules (dtype, shape,
/// strides, alignment, bounds) for causal prefill, with the head list resolved.
/// </summary>
/// <param name="Shape">Sizes of q and k.</param>
/// <param name="Heads">The query heads to estimate, in index-row order.</param>
/// <param name="SoftmaxScale">The resolved scale.</param>
internal sealed record QueryKeyOperands(AttentionShape Shape, int[] Heads, float SoftmaxScale)
{
    /// <summary>Validates <paramref name="q"/> and <paramref name="k"/> for the estimation step named <paramref name="step"/>.</summary>
    /// <exception cref="ArgumentException">A shape, stride, alignment or bound rule is broken, q_len differs from kv_len, or a head is out of range or repeated.</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    public static QueryKeyOperands Validate(DeviceOperand q, DeviceOperand k, ReadOnlySpan<int> heads, float? softmaxScale, string step)
    {
        if (q.DType is not (DType.Float16 or DType.BFloat16))
        {
            throw new NotSupportedException($"q.DType is {q.DType}; the {step} reads Float16 and BFloat16");
        }

        AttentionShape shape = AttentionShape.Validate(q.Layout, k.Layout, k.Layout, q.Layout, causal: false);
        if (shape.QLen != shape.KvLen)
        {
            throw new ArgumentException($"the {step} is prefill: q_len {shape.QLen} must equal kv_len {shape.KvLen}", nameof(q));
        }

        if (!AttentionHeadDims.IsSupported(shape.HeadDim))
        {
            throw new NotSupportedException($"head_dim {shape.HeadDim} is not supported by the {step} (supported: {AttentionHeadDims.Text})");
        }

        // The remaining rules are the dense kernels' (the C ABI says "rules as for dense"): k stands
        // in for v, and a contiguous stand-in output in storage of its own has nothing to violate.
        var output = new DeviceOperand("output", new object(), q.DType, TensorLayout.Contiguous(q.Layout.Lengths), 0, long.MaxValue);
        ValidatedDenseAttention dense = DenseAttentionValidation.Validate(
            q, k, k, output, new DenseAttentionOptions { Causal = true, SoftmaxScale = softmaxScale }, logSumExp: null);
        HeadList.Validate(heads, shape.QHeads, nameof(heads));
        int[] headList = heads.IsEmpty ? Enumerable.Range(0, (int)shape.QHeads).ToArray() : heads.ToArray();
        return new QueryKeyOperands(shape, headList, dense.SoftmaxScale);
    }
}
