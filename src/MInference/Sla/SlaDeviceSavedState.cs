using MInference.Sparse.Gpu;

namespace MInference.Sla;

/// <summary>
/// What a GPU forward leaves for the backward: the block mask it used, the critical branch's output
/// O_s and log-sum-exp, the linear branch's output O_l before Proj and its per-row 1 / (φ(q)·Z).
/// O_s and O_l are contiguous [B, H, N, D] in the operands' dtype, the log-sum-exp (natural log of
/// the scaled scores) and the inverse denominators fp32 [B, H, N]. Owns those buffers, and the mask when <see cref="OwnsMask"/>; <see cref="Dispose"/>
/// frees what it owns. The values are defined once a forward into it has run.
/// </summary>
public sealed class SlaDeviceSavedState : IDisposable
{
    private SlaDeviceSavedState(SlaDeviceMask mask, bool ownsMask, SlaShape shape, DeviceTensor sparseOutput, DeviceTensor linearOutput, DeviceBuffer logSumExp, DeviceBuffer inverseDenominators)
    {
        InverseDenominators = inverseDenominators;
        Mask = mask;
        OwnsMask = ownsMask;
        Shape = shape;
        SparseOutput = sparseOutput;
        LinearOutput = linearOutput;
        LogSumExp = logSumExp;
    }

    /// <summary>The mask the forward used (held fixed in the backward).</summary>
    public SlaDeviceMask Mask { get; }

    /// <summary>Whether <see cref="Dispose"/> disposes <see cref="Mask"/> (a mask the forward predicted), or the caller owns it.</summary>
    public bool OwnsMask { get; }

    /// <summary>O_s, exact softmax attention over each row's critical blocks: [B, H, N, D], contiguous.</summary>
    public DeviceTensor SparseOutput { get; }

    /// <summary>O_l, the linear branch before Proj: [B, H, N, D], contiguous.</summary>
    public DeviceTensor LinearOutput { get; }

    /// <summary>The critical branch's log-sum-exp per row: fp32 [B, H, N], contiguous, natural log.</summary>
    public DeviceBuffer LogSumExp { get; }

    /// <summary>1 / (φ(q)·Z) of the linear branch per row, 0 where it is off: fp32 [B, H, N], contiguous.</summary>
    public DeviceBuffer InverseDenominators { get; }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => SparseOutput.Buffer.IsDisposed;

    /// <summary>B, H, N and D.</summary>
    internal SlaShape Shape { get; }

    /// <summary>
    /// Allocates the outputs of forwards over operands shaped as <paramref name="q"/>, using
    /// <paramref name="mask"/> (which the caller keeps owning: dispose it after the state), for
    /// forwards that must not allocate (<see cref="GpuSparseLinearAttention.Forward(GpuContext, DeviceTensor, DeviceTensor, DeviceTensor, SlaDeviceProjection, SlaOptions, DeviceTensor, SlaDeviceSavedState, DeviceBuffer)"/>).
    /// </summary>
    /// <param name="context">The device.</param>
    /// <param name="q">Only its lengths and dtype are read.</param>
    /// <param name="mask">Made for q's batch, heads and N.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">q is not [B, H, N, D] with N in [1, 2^21], or the mask was made for other sizes or lives on another device.</exception>
    /// <exception cref="NotSupportedException">q's dtype is not Float16 or BFloat16.</exception>
    /// <exception cref="ObjectDisposedException">The context or the mask is disposed.</exception>
    /// <exception cref="DeviceOutOfMemoryException">The device has not enough free memory.</exception>
    public static SlaDeviceSavedState Allocate(GpuContext context, DeviceTensor q, SlaDeviceMask mask) => Allocate(context, q, mask, ownsMask: false);

    /// <summary>As the public <see cref="Allocate(GpuContext, DeviceTensor, SlaDeviceMask)"/>; with <paramref name="ownsMask"/> the state disposes the mask, also when this throws.</summary>
    internal static SlaDeviceSavedState Allocate(GpuContext context, DeviceTensor q, SlaDeviceMask mask, bool ownsMask)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(mask);
        var buffers = new List<DeviceBuffer>();
        try
        {
            context.ThrowIfDisposed();
            if (q.DType is not (DType.Float16 or DType.BFloat16))
            {
                throw new NotSupportedException($"q.DType is {q.DType}; SLA on the GPU takes Float16 and BFloat16");
            }

            SlaShape shape = SlaOperandValidation.ShapeOf(q.Layout, nameof(q));
            mask.RequireFits(context, shape, nameof(mask));
            TensorLayout layout = shape.ContiguousLayout;
            DeviceTensor sparse = Allocate(context, q.DType, layout, buffers);
            DeviceTensor linear = Allocate(context, q.DType, layout, buffers);
            var logSumExp = new DeviceBuffer(context, shape.Tokens * sizeof(float));
            buffers.Add(logSumExp);
            var inverseDenominators = new DeviceBuffer(context, shape.Tokens * sizeof(float));
            buffers.Add(inverseDenominators);
            return new SlaDeviceSavedState(mask, ownsMask, shape, sparse, linear, logSumExp, inverseDenominators);
        }
        catch
        {
            buffers.ForEach(buffer => buffer.Dispose());
            if (ownsMask)
            {
                mask.Dispose();
            }

            throw;
        }
    }

    /// <summary>Frees O_s, O_l, the log-sum-exp and the inverse denominators, and the mask when the state owns it.</summary>
    public void Dispose()
    {
        InverseDenominators.Dispose();
        LogSumExp.Dispose();
        LinearOutput.Buffer.Dispose();
        SparseOutput.Buffer.Dispose();
        if (OwnsMask)
        {
            Mask.Dispose();
        }
    }

    /// <summary>Checks, before a launch, that the state is alive on <paramref name="context"/>'s device and made for <paramref name="shape"/> and <paramref name="dtype"/>.</summary>
    /// <exception cref="ObjectDisposedException">The state or its mask is disposed.</exception>
    /// <exception cref="ArgumentException">The state lives on another device or was made for other sizes or another dtype.</exception>
    internal void RequireFits(GpuContext context, SlaShape shape, DType dtype, string name)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        SparseOutput.Buffer.RequireUsableOn(context, name);
        if (shape != Shape || dtype != SparseOutput.DType)
        {
            throw new ArgumentException(
                $"{name} was made for {SparseOutput.DType} [{Shape.Batch}, {Shape.Heads}, {Shape.SequenceLength}, {Shape.HeadDim}]; the operands are {dtype} [{shape.Batch}, {shape.Heads}, {shape.SequenceLength}, {shape.HeadDim}]", name);
        }

        Mask.RequireFits(context, shape, $"{name}.Mask");
    }

    /// <summary>O_s, O_l, the log-sum-exp and the inverse denominators as validation sees them, for the checks that no operand lives in them.</summary>
    internal DeviceBufferOperand[] BufferOperands() =>
    [
        DeviceBufferOperand.Of(SparseOutput.Buffer, nameof(SparseOutput)),
        DeviceBufferOperand.Of(LinearOutput.Buffer, nameof(LinearOutput)),
        DeviceBufferOperand.Of(LogSumExp, nameof(LogSumExp)),
        DeviceBufferOperand.Of(InverseDenominators, nameof(InverseDenominators)),
    ];

    private static DeviceTensor Allocate(GpuContext context, DType dtype, TensorLayout layout, List<DeviceBuffer> buffers)
    {
        var buffer = new DeviceBuffer(context, layout.ElementCount * dtype.ElementSize);
        buffers.Add(buffer);
        return new DeviceTensor(buffer, dtype, layout);
    }
}
