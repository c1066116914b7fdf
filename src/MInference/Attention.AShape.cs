using MInference.Interop;

namespace MInference;

public static partial class Attention
{
    /// <summary>
    /// A-shape attention (sink tokens plus a local window, causal; see <see cref="AShapeOptions"/>)
    /// for the query heads in <paramref name="heads"/>, enqueued on <paramref name="context"/>'s
    /// stream; returns without waiting. Rows of heads not in the list are not touched, so the heads
    /// of one layer can be split between patterns writing into one output.
    /// </summary>
    /// <remarks>
    /// Operands follow the same rules as <see cref="Dense"/>, with q_len &lt;= kv_len. Only the key
    /// tiles that hold sinks or the band are loaded. Everything is checked before launch: on an
    /// exception nothing has been written.
    /// </remarks>
    /// <param name="context">The device and stream to run on; every buffer must live on its device.</param>
    /// <param name="q">Queries, [B, Hq, Nq, D].</param>
    /// <param name="k">Keys, [B, Hkv, Nkv, D].</param>
    /// <param name="v">Values, [B, Hkv, Nkv, D].</param>
    /// <param name="output">Written for the listed heads: [B, Hq, Nq, D].</param>
    /// <param name="options">Sink tokens, local window and softmax scale.</param>
    /// <param name="heads">Distinct query heads to compute (at most 1024); empty for all heads.</param>
    /// <param name="logSumExp">Optional, written for the listed heads: fp32 [B, Hq, Nq] contiguous.</param>
    /// <exception cref="ArgumentException">An operand rule is broken, or a head is out of range or repeated.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size in <paramref name="options"/> is out of range.</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    /// <exception cref="ObjectDisposedException">The context or a buffer is disposed.</exception>
    /// <exception cref="CudaException">The launch failed.</exception>
    public static void AShape(
        GpuContext context,
        DeviceTensor q,
        DeviceTensor k,
        DeviceTensor v,
        DeviceTensor output,
        AShapeOptions options,
        ReadOnlySpan<int> heads = default,
        DeviceBuffer? logSumExp = null)
    {
        ArgumentNullException.ThrowIfNull(q);
        options.Validate(nameof(options));
        HeadList.Validate(heads, q.Layout.Lengths[1], nameof(heads));
        int[] headList = heads.ToArray();
        var attention = new DenseAttentionOptions { Causal = true, SoftmaxScale = options.SoftmaxScale };
        Run(context, q, k, v, output, attention, logSumExp, (in MiDenseAttentionArgs args, StreamHandle stream) =>
            MiNative.AShapeForward(
                new MiAShapeAttentionArgs { Attention = args, SinkTokens = options.SinkTokens, LocalWindow = options.LocalWindow },
                headList,
                stream));
    }
}
