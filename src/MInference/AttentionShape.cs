namespace MInference;

/// <summary>
/// The sizes of one attention problem, validated against the rules every backend shares: rank-4
/// operands in logical order [batch, heads, seq, head_dim], lengths &gt;= 1, consistent shapes,
/// q_heads a multiple of kv_heads, and q_len &lt;= kv_len when causal.
/// </summary>
internal readonly record struct AttentionShape(long Batch, long QHeads, long KvHeads, long QLen, long KvLen, long HeadDim)
{
    private static readonly string[] s_dimensionNames = ["batch", "heads", "seq", "head_dim"];

    /// <summary>Query heads that share one key/value head.</summary>
    public long GroupSize => QHeads / KvHeads;

    /// <summary>Elements of the log-sum-exp output, [batch, q_heads, q_len].</summary>
    public long LogSumExpLength => Batch * QHeads * QLen;

    /// <summary>Validates the four layouts and returns the problem's sizes.</summary>
    /// <exception cref="ArgumentException">A rule is broken; the message names the operand, the dimension and the expectation.</exception>
    public static AttentionShape Validate(TensorLayout q, TensorLayout k, TensorLayout v, TensorLayout output, bool causal)
    {
        RequireRank4AndNonEmpty(q, nameof(q));
        RequireRank4AndNonEmpty(k, nameof(k));
        RequireRank4AndNonEmpty(v, nameof(v));
        RequireRank4AndNonEmpty(output, nameof(output));

        RequireSameLength(k, nameof(k), q, nameof(q), dimension: 0);
        RequireSameLength(k, nameof(k), q, nameof(q), dimension: 3);
        for (int dimension = 0; dimension < 4; dimension++)
        {
            RequireSameLength(v, nameof(v), k, nameof(k), dimension);
            RequireSameLength(output, nameof(output), q, nameof(q), dimension);
        }

        var shape = new AttentionShape(
            Batch: q.Lengths[0], QHeads: q.Lengths[1], KvHeads: k.Lengths[1], QLen: q.Lengths[2], KvLen: k.Lengths[2], HeadDim: q.Lengths[3]);
        if (shape.QHeads % shape.KvHeads != 0)
        {
            throw new ArgumentException(
                $"q has {shape.QHeads} heads, not a multiple of the {shape.KvHeads} heads of k and v (each key/value head serves a whole group of query heads)",
                nameof(k));
        }

        if (causal && shape.QLen > shape.KvLen)
        {
            throw new ArgumentException(
                $"causal attention needs q_len <= kv_len, but q has {shape.QLen} rows and k has {shape.KvLen}", nameof(q));
        }

        return shape;
    }

    private static void RequireRank4AndNonEmpty(TensorLayout layout, string name)
    {
        ArgumentNullException.ThrowIfNull(layout, name);
        if (layout.Rank != 4)
        {
            throw new ArgumentException($"{name} must have rank 4 [batch, heads, seq, head_dim], but its layout is {layout}", name);
        }

        for (int dimension = 0; dimension < 4; dimension++)
        {
            if (layout.Lengths[dimension] < 1)
            {
                throw new ArgumentException(
                    $"{name}.Lengths[{dimension}] ({s_dimensionNames[dimension]}) = {layout.Lengths[dimension]} must be >= 1", name);
            }
        }
    }

    private static void RequireSameLength(TensorLayout layout, string name, TensorLayout reference, string referenceName, int dimension)
    {
        if (layout.Lengths[dimension] != reference.Lengths[dimension])
        {
            throw new ArgumentException(
                $"{name}.Lengths[{dimension}] ({s_dimensionNames[dimension]}) = {layout.Lengths[dimension]} must equal " +
                $"{referenceName}.Lengths[{dimension}] = {reference.Lengths[dimension]}",
                name);
        }
    }
}
