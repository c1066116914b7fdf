using MInference.Sparse.Gpu;

namespace MInference.Sla;

/// <summary>
/// The rules GPU sparse-linear attention imposes on its operands, checked before any native call so
/// that a bad call throws a typed exception naming the parameter. Works on
/// <see cref="DeviceOperand"/>s (identities and sizes, no device memory), so it runs, and is
/// tested, without a GPU. The native library checks again.
/// </summary>
internal static class SlaOperandValidation
{
    /// <summary>Options present and in range.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static void RequireValid(SlaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
    }

    /// <summary>Q and K of a mask prediction: the dense kernels' operand rules, one shape, N in [1, 2^21].</summary>
    /// <exception cref="ArgumentException">A shape, stride, alignment or bound rule is broken, or k's shape differs from q's.</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    public static SlaShape ValidateMask(DeviceOperand q, DeviceOperand k)
    {
        QueryKeyOperands.Validate(q, k, heads: [], softmaxScale: null, "SLA mask prediction");
        RequireSameShape(k, q);
        return ShapeOf(q.Layout, q.Name);
    }

    /// <summary>
    /// Q, K, V and the output of a forward: the dense kernels' operand rules (dtype, strides,
    /// alignment, bounds, an output overlapping no input), one shape for all four, N in [1, 2^21],
    /// and no operand in a buffer of the saved state.
    /// </summary>
    /// <returns>The sizes and the resolved softmax scale.</returns>
    /// <exception cref="ArgumentException">A rule is broken (the message names the parameter).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range, or the scale does not fit fp32.</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    public static (SlaShape Shape, float SoftmaxScale) ValidateForward(
        DeviceOperand q, DeviceOperand k, DeviceOperand v, DeviceOperand output, SlaOptions options, ReadOnlySpan<DeviceBufferOperand> savedBuffers)
    {
        RequireValid(options);
        float? scale = options.SoftmaxScale == 0 ? null : (float)options.SoftmaxScale;
        ValidatedDenseAttention dense = DenseAttentionValidation.Validate(q, k, v, output, new DenseAttentionOptions { SoftmaxScale = scale }, logSumExp: null);
        RequireSameShape(k, q);
        SlaShape shape = ShapeOf(q.Layout, q.Name);
        RequireOutsideSavedState([q, k, v, output], savedBuffers, "which the forward writes");
        return (shape, dense.SoftmaxScale);
    }

    /// <summary>
    /// Q, K, V, dO and the gradients of a backward: every tensor under the dense kernels' operand
    /// rules (dtype, strides, alignment, bounds; the native library reads dO as it reads an output, so
    /// dO must not overlap q, k or v either), one shape for all seven, N in [1, 2^21], no gradient
    /// overlapping an input or another gradient, and no operand in a buffer of the saved state.
    /// </summary>
    /// <returns>The sizes and the resolved softmax scale.</returns>
    /// <exception cref="ArgumentException">A rule is broken (the message names the parameter).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range, or the scale does not fit fp32.</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    public static (SlaShape Shape, float SoftmaxScale) ValidateBackward(
        DeviceOperand q, DeviceOperand k, DeviceOperand v, DeviceOperand outputGradient, SlaGradientOperands gradients, SlaOptions options, ReadOnlySpan<DeviceBufferOperand> savedBuffers)
    {
        RequireValid(options);
        SlaShape shape = ShapeOf(q.Layout, q.Name);
        DeviceOperand[] written = [gradients.Query, gradients.Key, gradients.Value];
        foreach (DeviceOperand operand in (DeviceOperand[])[k, v, outputGradient, .. written])
        {
            RequireSameShape(operand, q);
        }

        var dense = new DenseAttentionOptions { SoftmaxScale = options.SoftmaxScale == 0 ? null : (float)options.SoftmaxScale };
        ValidatedDenseAttention validated = DenseAttentionValidation.Validate(q, k, v, outputGradient, dense, logSumExp: null);
        for (int index = 0; index < written.Length; index++)
        {
            DeviceOperand gradient = written[index];
            DenseAttentionValidation.Validate(q, k, v, gradient, dense, logSumExp: null);
            foreach (DeviceOperand other in written[(index + 1)..].Prepend(outputGradient))
            {
                DenseAttentionValidation.RequireDisjoint(gradient.Name, gradient.Storage, gradient.StartByte, gradient.EndByte, other);
            }
        }

        RequireOutsideSavedState([q, k, v, outputGradient, .. written], savedBuffers, "which the backward reads");
        return (shape, validated.SoftmaxScale);
    }

    /// <summary>Proj maps head_dim to head_dim.</summary>
    /// <exception cref="ArgumentException">The projection's D is not the operands'.</exception>
    public static void RequireProjection(int projectionHeadDim, SlaShape shape, string paramName)
    {
        if (projectionHeadDim != shape.HeadDim)
        {
            throw new ArgumentException($"the projection is {projectionHeadDim} x {projectionHeadDim}; expected head_dim x head_dim = {shape.HeadDim} x {shape.HeadDim}", paramName);
        }
    }

    /// <summary>The sizes of a [B, H, N, D] operand: rank 4, every length at least 1, N at most <see cref="GpuSparseLinearAttention.MaxSequenceLength"/>.</summary>
    /// <exception cref="ArgumentException">The layout breaks one of these rules, or B · H is beyond 2^31 − 1.</exception>
    public static SlaShape ShapeOf(TensorLayout layout, string name)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (layout.Rank != 4)
        {
            throw new ArgumentException($"{name} is {layout}; expected rank 4 [batch, heads, N, head_dim]", name);
        }

        ReadOnlySpan<nint> lengths = layout.Lengths;
        if (lengths[0] < 1 || lengths[1] < 1 || lengths[2] < 1 || lengths[3] < 1)
        {
            throw new ArgumentException($"{name} is {layout}; every length must be at least 1", name);
        }

        if (lengths[2] > GpuSparseLinearAttention.MaxSequenceLength)
        {
            throw new ArgumentException($"{name} has N = {lengths[2]} tokens; SLA on the GPU takes N from 1 to {GpuSparseLinearAttention.MaxSequenceLength} (2^21)", name);
        }

        if ((long)lengths[0] * lengths[1] > int.MaxValue || lengths[3] > int.MaxValue)
        {
            throw new ArgumentException($"{name} is {layout}; batch · heads and head_dim must each be below 2^31", name);
        }

        return new SlaShape((int)lengths[0], (int)lengths[1], (int)lengths[2], (int)lengths[3]);
    }

    /// <summary>No operand lives in a buffer of the saved state (<paramref name="use"/> says what the call does with those).</summary>
    private static void RequireOutsideSavedState(ReadOnlySpan<DeviceOperand> operands, ReadOnlySpan<DeviceBufferOperand> savedBuffers, string use)
    {
        foreach (DeviceBufferOperand saved in savedBuffers)
        {
            foreach (DeviceOperand operand in operands)
            {
                if (ReferenceEquals(saved.Storage, operand.Storage))
                {
                    throw new ArgumentException($"{operand.Name} lives in the saved state's {saved.Name} buffer, {use}; use buffers of your own", operand.Name);
                }
            }
        }
    }

    /// <summary>SLA is self-attention without grouped heads: <paramref name="operand"/> (k, v, dO or a gradient) has q's heads and length.</summary>
    private static void RequireSameShape(DeviceOperand operand, DeviceOperand q)
    {
        if (!operand.Layout.Lengths.SequenceEqual(q.Layout.Lengths))
        {
            throw new ArgumentException(
                $"{operand.Name} is [{string.Join(", ", operand.Layout.Lengths.ToArray())}]; SLA is self-attention over one head count, so it must have q's shape [{string.Join(", ", q.Layout.Lengths.ToArray())}]",
                operand.Name);
        }
    }
}
