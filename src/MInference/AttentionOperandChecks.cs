namespace MInference;

/// <summary>The checks every attention entry point makes on its context and buffers before validating shapes.</summary>
internal static class AttentionOperandChecks
{
    /// <summary>Non-null operands, a live context, and every buffer alive on the context's device.</summary>
    /// <exception cref="ArgumentNullException">An operand is null.</exception>
    /// <exception cref="ObjectDisposedException">The context or a buffer is disposed.</exception>
    /// <exception cref="ArgumentException">A buffer lives on another device.</exception>
    public static void RequireUsable(GpuContext context, DeviceTensor q, DeviceTensor k, DeviceTensor v, DeviceTensor output, DeviceBuffer? logSumExp)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        ArgumentNullException.ThrowIfNull(output);
        context.ThrowIfDisposed();
        q.Buffer.RequireUsableOn(context, nameof(q));
        k.Buffer.RequireUsableOn(context, nameof(k));
        v.Buffer.RequireUsableOn(context, nameof(v));
        output.Buffer.RequireUsableOn(context, nameof(output));
        logSumExp?.RequireUsableOn(context, nameof(logSumExp));
    }
}
