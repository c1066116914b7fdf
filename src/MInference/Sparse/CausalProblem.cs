namespace MInference.Sparse;

/// <summary>
/// The shape of a causal prefill problem every sparse reference shares: rank-4 operands in logical
/// order [batch, heads, seq, head_dim], query heads a multiple of key/value heads, and
/// q_len == kv_len (square: query row i sees at most keys 0..i).
/// </summary>
internal readonly record struct CausalProblem(int Batch, int QHeads, int KvHeads, int SequenceLength, int HeadDim)
{
    /// <summary>Query heads per key/value head: query head h reads key/value head h / GroupSize.</summary>
    public int GroupSize => QHeads / KvHeads;

    /// <summary>Validates q and k (and, when given, v and output) for square causal attention.</summary>
    /// <exception cref="ArgumentException">A shape rule is broken; the message names the operand.</exception>
    public static CausalProblem Validate(ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor? v = null, HostTensor? output = null)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        AttentionShape shape = AttentionShape.Validate(q.Layout, k.Layout, (v ?? k).Layout, (output?.Layout) ?? q.Layout, causal: true);
        if (shape.QLen != shape.KvLen)
        {
            throw new ArgumentException(
                $"sparse prefill needs q_len == kv_len, but q has {shape.QLen} rows and k has {shape.KvLen}", nameof(q));
        }

        if (v is not null && output is not null)
        {
            Span<float> outputSpan = output.Data.Span;
            if (outputSpan.Overlaps(q.Data.Span) || outputSpan.Overlaps(k.Data.Span) || outputSpan.Overlaps(v.Data.Span))
            {
                throw new ArgumentException("output overlaps an input", nameof(output));
            }
        }

        return new CausalProblem((int)shape.Batch, (int)shape.QHeads, (int)shape.KvHeads, (int)shape.QLen, (int)shape.HeadDim);
    }

    /// <summary>Validates a list of query heads: non-empty, distinct, each in [0, <see cref="QHeads"/>); returns a copy.</summary>
    /// <exception cref="ArgumentException">The list is empty or has a repeat.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A head is out of range.</exception>
    public int[] RequireHeads(ReadOnlySpan<int> heads, string parameterName) => HeadLists.Validate(heads, QHeads, parameterName);

    /// <summary>The softmax scale: the given one (finite, &gt; 0) or 1/sqrt(head_dim), as a float like <see cref="CpuAttention"/> uses.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The given scale is not finite or not positive.</exception>
    public float ResolveScale(float? softmaxScale, string parameterName)
    {
        if (softmaxScale is not { } scale)
        {
            return (float)(1.0 / Math.Sqrt(HeadDim));
        }

        if (!float.IsFinite(scale) || scale <= 0)
        {
            throw new ArgumentOutOfRangeException(parameterName, scale, "the softmax scale must be finite and > 0 (or null for 1/sqrt(head_dim))");
        }

        return scale;
    }
}
