using MInference.Prefill;
using MInference.Sparse.Config;
using MInference.Sparse.Patterns;
using MInference.Sparse.References;

namespace MInference.Sparse.Prefill;

/// <summary>
/// MInference's dynamic sparse prefill of one attention layer on the GPU: every query head is
/// computed with its own pattern (<see cref="VerticalSlashPattern"/>, <see cref="AShapePattern"/>,
/// <see cref="BlockSparsePattern"/> or <see cref="DensePattern"/>), and the heads sharing a pattern
/// are estimated and computed together, so a layer costs a number of launches proportional to its
/// distinct patterns, not its heads. The GPU counterpart of <see cref="SparsePrefillReference.RunLayer"/>.
/// </summary>
/// <remarks>
/// <para>
/// Each call plans the layer (<see cref="SparsePrefillPlan"/>: the fallback decisions of the cost
/// model in <see cref="SparsePrefillOptions"/>, one workspace), runs it and waits for its report;
/// the workspace is freed on return. Serving code that runs the same shape again should keep a
/// <see cref="SparsePrefillPlan"/> instead: its runs allocate nothing, never wait, and can be
/// captured into a CUDA graph. Every sequence of the batch gets its own index; the softmax scale
/// is 1/sqrt(head_dim) throughout. Options are immutable, so one instance can serve every layer; a
/// context, as always, is used from one thread at a time.
/// </para>
/// </remarks>
public sealed class SparsePrefill
{
    /// <summary>Creates a driver with the given policy and measurements.</summary>
    /// <param name="options">Null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value of <paramref name="options"/> is out of range.</exception>
    public SparsePrefill(SparsePrefillOptions? options = null)
    {
        options ??= new SparsePrefillOptions();
        options.Validate(nameof(options));
        Options = options;
    }

    /// <summary>The fallback policy and measurements every layer runs with.</summary>
    public SparsePrefillOptions Options { get; }

    /// <summary>Computes one layer, every query head with its own pattern; see the class remarks.</summary>
    /// <param name="context">The device and stream to run on; every buffer must live on its device.</param>
    /// <param name="q">Queries, [B, H, N, D], following <see cref="Attention.Dense"/>'s operand rules (any strides they allow).</param>
    /// <param name="k">Keys, [B, Hkv, N, D]; query head h reads key/value head h / (H / Hkv).</param>
    /// <param name="v">Values, [B, Hkv, N, D].</param>
    /// <param name="headPatterns">One pattern per query head, H of them (e.g. a layer of a <see cref="HeadPatternConfig"/>).</param>
    /// <param name="output">Written: [B, H, N, D].</param>
    /// <param name="logSumExp">Optional, written: fp32 [B, H, N] contiguous, natural log.</param>
    /// <returns>What ran: groups, fallbacks, densities and, when measured, step times.</returns>
    /// <exception cref="ArgumentException">An operand rule is broken, q_len differs from kv_len, there are more than 1024 heads, or the pattern count is not H.</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    /// <exception cref="ObjectDisposedException">The context or a buffer is disposed.</exception>
    /// <exception cref="DeviceOutOfMemoryException">The device has no room for an index.</exception>
    /// <exception cref="CudaException">A launch failed.</exception>
    public SparsePrefillReport RunLayer(
        GpuContext context, DeviceTensor q, DeviceTensor k, DeviceTensor v, IReadOnlyList<HeadPattern> headPatterns, DeviceTensor output, DeviceBuffer? logSumExp = null)
    {
        Validate(context, q, k, v, output, logSumExp);
        using SparsePrefillPlan plan = SparsePrefillPlan.Create(context, PrefillShape.Of(q, k), headPatterns, Options);
        plan.Run(q, k, v, output, logSumExp);
        return plan.ReadReport();
    }

    /// <summary>Computes one layer given as its pattern groups, such as <see cref="HeadPatternConfig.GroupHeadsByPattern"/> returns.</summary>
    /// <param name="context">The device and stream to run on; every buffer must live on its device.</param>
    /// <param name="q">Queries, [B, H, N, D].</param>
    /// <param name="k">Keys, [B, Hkv, N, D].</param>
    /// <param name="v">Values, [B, Hkv, N, D].</param>
    /// <param name="groups">Groups covering every query head exactly once.</param>
    /// <param name="output">Written: [B, H, N, D].</param>
    /// <param name="logSumExp">Optional, written: fp32 [B, H, N] contiguous, natural log.</param>
    /// <returns>What ran: groups, fallbacks, densities and, when measured, step times.</returns>
    /// <exception cref="ArgumentException">An operand rule is broken, or the groups do not cover every head exactly once.</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    /// <exception cref="ObjectDisposedException">The context or a buffer is disposed.</exception>
    /// <exception cref="DeviceOutOfMemoryException">The device has no room for an index.</exception>
    /// <exception cref="CudaException">A launch failed.</exception>
    public SparsePrefillReport RunLayer(
        GpuContext context, DeviceTensor q, DeviceTensor k, DeviceTensor v, IReadOnlyList<PatternHeadGroup> groups, DeviceTensor output, DeviceBuffer? logSumExp = null)
    {
        CausalProblem problem = Validate(context, q, k, v, output, logSumExp);
        HeadPattern[] headPatterns = SparsePrefillValidation.PatternsOf(groups, problem.QHeads, nameof(groups));
        return RunLayer(context, q, k, v, headPatterns, output, logSumExp);
    }

    /// <summary>Checks the context and every operand before anything is launched.</summary>
    private static CausalProblem Validate(GpuContext context, DeviceTensor q, DeviceTensor k, DeviceTensor v, DeviceTensor output, DeviceBuffer? logSumExp)
    {
        AttentionOperandChecks.RequireUsable(context, q, k, v, output, logSumExp);

        return SparsePrefillValidation.ValidateOperands(
            DeviceOperand.Of(q, nameof(q)),
            DeviceOperand.Of(k, nameof(k)),
            DeviceOperand.Of(v, nameof(v)),
            DeviceOperand.Of(output, nameof(output)),
            logSumExp is null ? null : new LogSumExpTarget(logSumExp, logSumExp.LengthInBytes));
    }
}
