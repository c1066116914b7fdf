namespace MInference;

/// <summary>Options of dense attention, O = softmax(scale · Q Kᵀ [+ causal mask]) V. The default is non-causal with scale 1/sqrt(head_dim).</summary>
public readonly record struct DenseAttentionOptions
{
    /// <summary>
    /// Applies the causal mask aligned bottom-right: query row i sees key j when
    /// j &lt;= i + (kv_len - q_len). Requires q_len &lt;= kv_len.
    /// </summary>
    public bool Causal { get; init; }

    /// <summary>Multiplies the scores before the softmax; finite and &gt; 0, or null for 1/sqrt(head_dim).</summary>
    public float? SoftmaxScale { get; init; }

    /// <summary>The scale <paramref name="options"/> asks for at <paramref name="headDim"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="SoftmaxScale"/> is not finite or not positive.</exception>
    internal static float ResolveSoftmaxScale(DenseAttentionOptions options, long headDim)
    {
        if (options.SoftmaxScale is not { } scale)
        {
            return (float)(1.0 / Math.Sqrt(headDim));
        }

        if (!float.IsFinite(scale) || scale <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), scale, "options.SoftmaxScale must be finite and > 0 (or null for 1/sqrt(head_dim))");
        }

        return scale;
    }
}
