namespace MInference;

/// <summary>
/// Every rule the dense attention kernels impose, checked before anything is launched so that a bad
/// call throws a typed exception naming the parameter and leaves the output untouched. The native
/// library checks again (its ABI is public); these checks exist to fail early and clearly.
/// </summary>
internal static class DenseAttentionValidation
{
    /// <summary>The kernels move 16-byte vectors: each operand's first element must be 16-byte aligned.</summary>
    public const int RequiredAlignmentBytes = 16;

    /// <summary>Strides other than head_dim's must be multiples of this many elements (16 bytes of fp16/bf16).</summary>
    public const int StrideMultiple = 8;

    /// <exception cref="ArgumentException">Shapes, dtypes, strides, alignment, bounds, overlap or the log-sum-exp size are wrong.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The softmax scale is not finite and positive.</exception>
    /// <exception cref="NotSupportedException">The dtype is not Float16/BFloat16, or head_dim is not one of <see cref="AttentionHeadDims.Supported"/>.</exception>
    public static ValidatedDenseAttention Validate(
        DeviceOperand q, DeviceOperand k, DeviceOperand v, DeviceOperand output, DenseAttentionOptions options, LogSumExpTarget? logSumExp)
    {
        DeviceOperand[] operands = [q, k, v, output];
        if (q.DType is not (DType.Float16 or DType.BFloat16))
        {
            throw new NotSupportedException($"q.DType is {q.DType}; the dense attention kernels support Float16 and BFloat16");
        }

        foreach (DeviceOperand operand in operands)
        {
            if (operand.DType != q.DType)
            {
                throw new ArgumentException($"{operand.Name}.DType is {operand.DType} but q.DType is {q.DType}; q, k, v and output must share one dtype", operand.Name);
            }
        }

        AttentionShape shape = AttentionShape.Validate(q.Layout, k.Layout, v.Layout, output.Layout, options.Causal);
        if (!AttentionHeadDims.IsSupported(shape.HeadDim))
        {
            throw new NotSupportedException($"head_dim {shape.HeadDim} is not supported by the dense attention kernels (supported: {AttentionHeadDims.Text})");
        }

        foreach (DeviceOperand operand in operands)
        {
            RequireKernelStrides(operand);
            RequireAligned(operand);
            RequireInsideStorage(operand);
        }

        if (!output.Layout.HasDistinctElementOffsets)
        {
            throw new ArgumentException($"output's layout {output.Layout} maps several elements to one address; an output must not overlap itself", output.Name);
        }

        foreach (DeviceOperand input in operands[..3])
        {
            RequireDisjoint(output.Name, output.Storage, output.StartByte, output.EndByte, input);
        }

        if (logSumExp is { } target)
        {
            RequireLogSumExpTarget(target, shape, operands);
        }

        return new ValidatedDenseAttention(shape, DenseAttentionOptions.ResolveSoftmaxScale(options, shape.HeadDim));
    }

    private static void RequireKernelStrides(DeviceOperand operand)
    {
        ReadOnlySpan<nint> strides = operand.Layout.Strides;
        if (strides[3] != 1)
        {
            throw new ArgumentException($"{operand.Name}.Strides[3] (head_dim) = {strides[3]} must be 1: rows are read as contiguous vectors", operand.Name);
        }

        for (int dimension = 0; dimension < 3; dimension++)
        {
            if (strides[dimension] % StrideMultiple != 0)
            {
                throw new ArgumentException(
                    $"{operand.Name}.Strides[{dimension}] = {strides[dimension]} must be a multiple of {StrideMultiple} elements so every row starts 16-byte aligned",
                    operand.Name);
            }
        }
    }

    private static void RequireAligned(DeviceOperand operand)
    {
        // Buffers are 256-byte aligned, so the view is aligned exactly when its byte offset is.
        if (operand.ElementOffset % (RequiredAlignmentBytes / operand.DType.ElementSize) != 0)
        {
            throw new ArgumentException(
                $"{operand.Name}.ElementOffset = {operand.ElementOffset} puts its first element {operand.ElementOffset * operand.DType.ElementSize % RequiredAlignmentBytes} bytes past a {RequiredAlignmentBytes}-byte boundary; it must be {RequiredAlignmentBytes}-byte aligned",
                operand.Name);
        }
    }

    private static void RequireInsideStorage(DeviceOperand operand)
    {
        long capacity = operand.StorageLengthInBytes / operand.DType.ElementSize;
        if (operand.ElementOffset > capacity || operand.Layout.RequiredElementCount > capacity - operand.ElementOffset)
        {
            throw new ArgumentException(
                $"{operand.Name} reaches elements [{operand.ElementOffset}, {operand.ElementOffset} + {operand.Layout.RequiredElementCount}) " +
                $"but its buffer holds {capacity} {operand.DType} elements ({operand.StorageLengthInBytes} bytes)",
                operand.Name);
        }
    }

    /// <summary>A written range [<paramref name="writtenStart"/>, <paramref name="writtenEnd"/>) of <paramref name="writtenStorage"/> shares no byte with <paramref name="other"/>.</summary>
    /// <exception cref="ArgumentException">They overlap (the message names both, with their byte ranges).</exception>
    internal static void RequireDisjoint(string writtenName, object writtenStorage, long writtenStart, long writtenEnd, DeviceOperand other)
    {
        if (ReferenceEquals(writtenStorage, other.Storage) && writtenStart < other.EndByte && other.StartByte < writtenEnd)
        {
            throw new ArgumentException(
                $"{writtenName} (bytes [{writtenStart}, {writtenEnd})) overlaps {other.Name} (bytes [{other.StartByte}, {other.EndByte})) in the same buffer",
                writtenName);
        }
    }

    private static void RequireLogSumExpTarget(LogSumExpTarget logSumExp, AttentionShape shape, DeviceOperand[] operands)
    {
        long requiredBytes = shape.LogSumExpLength * sizeof(float);
        if (logSumExp.LengthInBytes < requiredBytes)
        {
            throw new ArgumentException(
                $"logSumExp holds {logSumExp.LengthInBytes} bytes but batch * q_heads * q_len = {shape.LogSumExpLength} floats need {requiredBytes}",
                nameof(logSumExp));
        }

        foreach (DeviceOperand operand in operands)
        {
            RequireDisjoint(nameof(logSumExp), logSumExp.Storage, 0, requiredBytes, operand);
        }
    }
}
