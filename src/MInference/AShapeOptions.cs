namespace MInference;

/// <summary>
/// The A-shape pattern (MInference's "stream_llm"): causal attention restricted to the first
/// <see cref="SinkTokens"/> keys plus a band of <see cref="LocalWindow"/> keys ending at the
/// diagonal. Query row i (bottom-right aligned: i' = i + kv_len − q_len) sees key j when
/// j &lt;= i' and (j &lt; SinkTokens or j &gt; i' − LocalWindow).
/// </summary>
/// <param name="SinkTokens">Leading keys every query sees (n_init), &gt;= 0.</param>
/// <param name="LocalWindow">Width of the band, the diagonal included (n_local), &gt;= 1.</param>
public readonly record struct AShapeOptions(long SinkTokens, long LocalWindow)
{
    /// <summary>Largest sink count or window the kernels take (2^30).</summary>
    public const long MaxSize = 1L << 30;

    /// <summary>Multiplies the scores before the softmax; finite and &gt; 0, or null for 1/sqrt(head_dim).</summary>
    public float? SoftmaxScale { get; init; }

    /// <summary>Checks the sizes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    internal void Validate(string parameterName)
    {
        if (SinkTokens is < 0 or > MaxSize)
        {
            throw new ArgumentOutOfRangeException(parameterName, SinkTokens, $"SinkTokens must be in [0, {MaxSize}]");
        }

        if (LocalWindow is < 1 or > MaxSize)
        {
            throw new ArgumentOutOfRangeException(parameterName, LocalWindow, $"LocalWindow must be in [1, {MaxSize}]");
        }
    }
}
