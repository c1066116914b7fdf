using MInference.Sparse;

namespace MInference.Prefill;

/// <summary>The operands a <see cref="SparsePrefillPlan"/> runs: causal prefill, q_len == kv_len.</summary>
/// <param name="Batch">B >= 1.</param>
/// <param name="QHeads">H >= 1, a multiple of <paramref name="KvHeads"/>, at most 1024.</param>
/// <param name="KvHeads">Hkv >= 1.</param>
/// <param name="SequenceLength">N >= 1.</param>
/// <param name="HeadDim">D: a head_dim the kernels are compiled for (<see cref="AttentionHeadDims.Supported"/>).</param>
/// <param name="DType">Float16 or BFloat16.</param>
public sealed record PrefillShape(int Batch, int QHeads, int KvHeads, int SequenceLength, int HeadDim, DType DType)
{
    /// <summary>The shape of the operands <paramref name="q"/> (queries, [B, H, N, D]) and <paramref name="k"/> (keys, [B, Hkv, N, D]).</summary>
    /// <exception cref="ArgumentNullException">An operand is null.</exception>
    /// <exception cref="ArgumentException">An operand is not rank 4.</exception>
    public static PrefillShape Of(DeviceTensor q, DeviceTensor k)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        if (q.Layout.Rank != 4 || k.Layout.Rank != 4)
        {
            throw new ArgumentException($"q and k must be rank 4 ([B, H, N, D]); got q {q.Layout} and k {k.Layout}", nameof(q));
        }

        ReadOnlySpan<nint> lengths = q.Layout.Lengths;
        return new PrefillShape(
            (int)Math.Min(lengths[0], int.MaxValue), (int)Math.Min(lengths[1], int.MaxValue), (int)Math.Min(k.Layout.Lengths[1], int.MaxValue),
            (int)Math.Min(lengths[2], int.MaxValue), (int)Math.Min(lengths[3], int.MaxValue), q.DType);
    }

    /// <summary>For example <c>[B=1, H=32, Hkv=8, N=131072, D=128]</c>.</summary>
    internal static string Describe(CausalProblem problem) =>
        $"[B={problem.Batch}, H={problem.QHeads}, Hkv={problem.KvHeads}, N={problem.SequenceLength}, D={problem.HeadDim}]";

    /// <summary>Checks the rules and returns the problem.</summary>
    /// <exception cref="ArgumentException">A rule is broken (the message names the value and what is expected).</exception>
    internal CausalProblem Validate(string parameterName)
    {
        void Require(bool condition, string message)
        {
            if (!condition)
            {
                throw new ArgumentException($"{message}; got {Describe(new CausalProblem(Batch, QHeads, KvHeads, SequenceLength, HeadDim))}", parameterName);
            }
        }

        Require(Batch >= 1 && QHeads >= 1 && KvHeads >= 1 && SequenceLength >= 1 && HeadDim >= 1, "every size must be >= 1");
        Require(QHeads % KvHeads == 0, "H must be a multiple of Hkv");
        Require(QHeads <= HeadList.MaxCount, $"H must be at most {HeadList.MaxCount}");
        Require(DType is DType.Float16 or DType.BFloat16, $"the dtype must be Float16 or BFloat16, not {DType}");
        return new CausalProblem(Batch, QHeads, KvHeads, SequenceLength, HeadDim);
    }
}
