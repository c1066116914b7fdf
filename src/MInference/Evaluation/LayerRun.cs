using MInference.Sparse.Prefill;

namespace MInference.Evaluation;

/// <summary>One layer computed by an <see cref="IPrefillLayer"/>: its output, log-sum-exp, time and, per head, what ran.</summary>
public sealed class LayerRun
{
    /// <summary>Creates a run record; the arrays are kept, not copied.</summary>
    public LayerRun(float[] output, float[] logSumExp, IReadOnlyList<HeadRun> heads, double milliseconds, SparsePrefillStepTimes? stepTimes = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(logSumExp);
        ArgumentNullException.ThrowIfNull(heads);
        Output = output;
        LogSumExp = logSumExp;
        Heads = heads;
        Milliseconds = milliseconds;
        StepTimes = stepTimes;
    }

    /// <summary>O, [B, H, N, D] contiguous, rounded to the layer's dtype as the kernels store it.</summary>
    public float[] Output { get; }

    /// <summary>Natural-log log-sum-exp of every row's scaled scores over the keys it saw, [B, H, N].</summary>
    public float[] LogSumExp { get; }

    /// <summary>One entry per query head, in head order.</summary>
    public IReadOnlyList<HeadRun> Heads { get; }

    /// <summary>Time of the whole layer (estimation, index and attention), as the backend measures it; NaN for an untimed GPU run.</summary>
    public double Milliseconds { get; }

    /// <summary>GPU time of each step of a sparse run, when measured.</summary>
    public SparsePrefillStepTimes? StepTimes { get; }

    /// <summary>The fraction of the layer's causal entries computed, over every head.</summary>
    public double Density => Heads.Average(head => head.Density);
}
