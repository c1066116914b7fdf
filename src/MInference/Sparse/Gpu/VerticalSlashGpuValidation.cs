using MInference.Sparse.Estimation;

namespace MInference.Sparse.Gpu;

/// <summary>
/// The rules of <see cref="VerticalSlashGpu"/>'s steps, checked before anything is launched so that a
/// bad call throws a typed exception naming the parameter and leaves every output untouched. Works
/// on <see cref="DeviceOperand"/>s and <see cref="DeviceBufferOperand"/>s, so it is testable without
/// a GPU. The native library checks again.
/// </summary>
internal static class VerticalSlashGpuValidation
{
    /// <summary>
    /// Checks q and k as the estimation reads them (<see cref="QueryKeyOperands"/>: the dense operand
    /// rules with q_len == kv_len, a head_dim of <see cref="AttentionHeadDims.Supported"/>), the head list and the scale.
    /// </summary>
    /// <exception cref="ArgumentException">An operand rule is broken, q_len differs from kv_len, or a head is out of range or repeated.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="softmaxScale"/> is not finite and positive.</exception>
    /// <exception cref="NotSupportedException">The dtype is not Float16/BFloat16, or head_dim is not one of <see cref="AttentionHeadDims.Supported"/>.</exception>
    public static VerticalSlashEstimateShape ValidateEstimate(DeviceOperand q, DeviceOperand k, ReadOnlySpan<int> heads, float? softmaxScale)
    {
        if (softmaxScale is { } scale && (!float.IsFinite(scale) || scale <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(softmaxScale), scale, "softmaxScale must be finite and > 0 (or null for 1/sqrt(head_dim))");
        }

        QueryKeyOperands operands = QueryKeyOperands.Validate(q, k, heads, softmaxScale, "vertical-slash estimation");
        if (operands.Shape.QLen > int.MaxValue || operands.Shape.Batch > int.MaxValue)
        {
            throw new ArgumentException(
                $"q has batch {operands.Shape.Batch} and N {operands.Shape.QLen}; the vertical-slash index takes at most {int.MaxValue} of each", nameof(q));
        }

        return new VerticalSlashEstimateShape(operands);
    }

    /// <summary>Checks that both score buffers hold fp32 [batch, heads, N] and alias neither each other nor q or k.</summary>
    /// <exception cref="ArgumentException">A buffer is too small or aliases another operand.</exception>
    public static void RequireScoreBuffers(
        VerticalSlashEstimateShape shape, DeviceOperand q, DeviceOperand k, DeviceBufferOperand verticalScores, DeviceBufferOperand slashScores)
    {
        string what = $"fp32 [batch {shape.BatchSize}, heads {shape.Heads.Length}, N {shape.SequenceLength}]";
        RequireBytes(verticalScores, shape.ScoreBytes, what);
        RequireBytes(slashScores, shape.ScoreBytes, what);
        RequireDistinct(verticalScores, DeviceBufferOperand.Of(q), DeviceBufferOperand.Of(k), slashScores);
        RequireDistinct(slashScores, DeviceBufferOperand.Of(q), DeviceBufferOperand.Of(k));
    }

    /// <summary>Checks the sizes of a selection: rows &gt;= 1, N &gt;= 1, both counts in [1, N].</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public static VerticalSlashListSizes ValidateSelectSizes(long rows, int sequenceLength, int verticalCount, int slashCount) =>
        ValidateSizes(rows, sequenceLength, verticalCount, minimumVerticalCount: 1, slashCount);

    /// <summary>
    /// Checks the sizes of a selection to convert into an index: as for a selection, except that a
    /// selection may keep no verticals (as <see cref="VerticalSlashSelection"/> allows).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public static VerticalSlashListSizes ValidateIndexSizes(long rows, int sequenceLength, int verticalCount, int slashCount) =>
        ValidateSizes(rows, sequenceLength, verticalCount, minimumVerticalCount: 0, slashCount);

    /// <summary>
    /// Checks the buffers of a selection: fp32 [rows, N] scores to read (they may be one buffer),
    /// int32 [rows, count] lists to write, which alias nothing.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer is too small or an output aliases another operand.</exception>
    public static void RequireSelectBuffers(
        VerticalSlashListSizes sizes,
        DeviceBufferOperand verticalScores,
        DeviceBufferOperand slashScores,
        DeviceBufferOperand verticals,
        DeviceBufferOperand slashes)
    {
        string scores = $"fp32 [rows {sizes.Rows}, N {sizes.SequenceLength}]";
        RequireBytes(verticalScores, sizes.ScoreBytes, scores);
        RequireBytes(slashScores, sizes.ScoreBytes, scores);
        RequireBytes(verticals, sizes.VerticalBytes, $"int32 [rows {sizes.Rows}, verticalCount {sizes.VerticalCount}]");
        RequireBytes(slashes, sizes.SlashBytes, $"int32 [rows {sizes.Rows}, slashCount {sizes.SlashCount}]");
        RequireDistinct(verticals, verticalScores, slashScores, slashes);
        RequireDistinct(slashes, verticalScores, slashScores);
    }

    /// <summary>
    /// Checks the workspace of a step that needs <paramref name="requiredBytes"/>: none is needed for
    /// 0 bytes (a given one is then ignored); otherwise it must be large enough and alias no operand.
    /// </summary>
    /// <exception cref="ArgumentException">The workspace is missing, too small or aliases an operand.</exception>
    public static void RequireWorkspace(long requiredBytes, DeviceBufferOperand? workspace, params ReadOnlySpan<DeviceBufferOperand> operands)
    {
        if (requiredBytes <= 0)
        {
            return;
        }

        if (workspace is not { } buffer)
        {
            throw new ArgumentException($"this step needs {requiredBytes} bytes of workspace but workspace is null (size it with the matching *WorkspaceSize query)", nameof(workspace));
        }

        RequireBytes(buffer, requiredBytes, "the workspace");
        RequireDistinct(buffer, operands);
    }

    private static VerticalSlashListSizes ValidateSizes(long rows, int sequenceLength, int verticalCount, int minimumVerticalCount, int slashCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 1);
        if (rows > long.MaxValue / sizeof(long) / sequenceLength)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), rows, $"rows × N = {rows} × {sequenceLength} entries do not fit one device array");
        }

        if (verticalCount < minimumVerticalCount || verticalCount > sequenceLength)
        {
            throw new ArgumentOutOfRangeException(nameof(verticalCount), verticalCount, $"verticalCount must be in [{minimumVerticalCount}, N = {sequenceLength}]");
        }

        if (slashCount < 1 || slashCount > sequenceLength)
        {
            throw new ArgumentOutOfRangeException(nameof(slashCount), slashCount, $"slashCount must be in [1, N = {sequenceLength}]");
        }

        return new VerticalSlashListSizes(rows, sequenceLength, verticalCount, slashCount);
    }

    private static void RequireBytes(DeviceBufferOperand buffer, long requiredBytes, string what)
    {
        if (buffer.LengthInBytes < requiredBytes)
        {
            throw new ArgumentException($"{buffer.Name} holds {buffer.LengthInBytes} bytes; {what} needs {requiredBytes}", buffer.Name);
        }
    }

    private static void RequireDistinct(DeviceBufferOperand written, params ReadOnlySpan<DeviceBufferOperand> others)
    {
        foreach (DeviceBufferOperand other in others)
        {
            if (ReferenceEquals(written.Storage, other.Storage))
            {
                throw new ArgumentException($"{written.Name} is written but shares its buffer with {other.Name}; pass a buffer of its own", written.Name);
            }
        }
    }
}
