using MInference.Sparse.Config;
using MInference.Sparse.Patterns;

namespace MInference.Sparse.Prefill;

/// <summary>
/// The rules of <see cref="SparsePrefill"/>, checked before anything is launched. Works on
/// <see cref="DeviceOperand"/>s, so it is testable without a GPU; every kernel checks again.
/// </summary>
internal static class SparsePrefillValidation
{
    /// <summary>
    /// Checks q, k, v, output and the log-sum-exp as every kernel of the layer reads them: the dense
    /// operand rules with a causal mask, q_len == kv_len, sizes that fit the indices, and at most
    /// <see cref="HeadList.MaxCount"/> query heads (the most one launch takes).
    /// </summary>
    /// <exception cref="ArgumentException">A rule is broken; the message names the operand.</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    public static CausalProblem ValidateOperands(DeviceOperand q, DeviceOperand k, DeviceOperand v, DeviceOperand output, LogSumExpTarget? logSumExp)
    {
        ValidatedDenseAttention call = DenseAttentionValidation.Validate(q, k, v, output, new DenseAttentionOptions { Causal = true }, logSumExp);
        AttentionShape shape = call.Shape;
        if (shape.QLen != shape.KvLen)
        {
            throw new ArgumentException($"sparse prefill needs q_len == kv_len, but q has {shape.QLen} rows and k has {shape.KvLen}", q.Name);
        }

        if (shape.QLen > int.MaxValue || shape.Batch > int.MaxValue)
        {
            throw new ArgumentException($"q has batch {shape.Batch} and N {shape.QLen}; sparse indices take at most {int.MaxValue} of each", q.Name);
        }

        if (shape.QHeads > HeadList.MaxCount)
        {
            throw new ArgumentException($"q has {shape.QHeads} heads; a layer's launches take at most {HeadList.MaxCount}", q.Name);
        }

        return new CausalProblem((int)shape.Batch, (int)shape.QHeads, (int)shape.KvHeads, (int)shape.QLen, (int)shape.HeadDim);
    }

    /// <summary>Checks one non-null pattern per query head and groups the heads by distinct pattern, ordered by first head.</summary>
    /// <exception cref="ArgumentException">The count is not <paramref name="queryHeads"/>, or a pattern is null.</exception>
    public static PatternHeadGroup[] Group(IReadOnlyList<HeadPattern> headPatterns, int queryHeads, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(headPatterns, parameterName);
        if (headPatterns.Count != queryHeads)
        {
            throw new ArgumentException($"{parameterName} holds {headPatterns.Count} patterns; expected one per query head, {queryHeads}", parameterName);
        }

        for (int head = 0; head < headPatterns.Count; head++)
        {
            if (headPatterns[head] is null)
            {
                throw new ArgumentException($"{parameterName}[{head}] is null; expected a pattern", parameterName);
            }
        }

        return PatternGrouping.Group(headPatterns);
    }

    /// <summary>
    /// The per-head patterns of <paramref name="groups"/> (such as a layer of
    /// <see cref="HeadPatternConfig.GroupHeadsByPattern"/>), which must cover every query head once.
    /// </summary>
    /// <exception cref="ArgumentException">A group is null, or a head is out of range, repeated or missing.</exception>
    public static HeadPattern[] PatternsOf(IReadOnlyList<PatternHeadGroup> groups, int queryHeads, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(groups, parameterName);
        var patterns = new HeadPattern?[queryHeads];
        for (int g = 0; g < groups.Count; g++)
        {
            PatternHeadGroup group = groups[g] ?? throw new ArgumentException($"{parameterName}[{g}] is null; expected a group", parameterName);
            foreach (int head in group.Heads.Span)
            {
                if (head < 0 || head >= queryHeads)
                {
                    throw new ArgumentException($"{parameterName}[{g}] ({group}) holds head {head}; expected query heads in [0, {queryHeads})", parameterName);
                }

                if (patterns[head] is not null)
                {
                    throw new ArgumentException($"{parameterName}[{g}] ({group}) holds head {head}, which an earlier group holds too; expected each head once", parameterName);
                }

                patterns[head] = group.Pattern;
            }
        }

        int missing = Array.IndexOf(patterns, null);
        if (missing >= 0)
        {
            throw new ArgumentException($"no group of {parameterName} holds head {missing}; expected groups covering all {queryHeads} query heads", parameterName);
        }

        return patterns!;
    }
}
