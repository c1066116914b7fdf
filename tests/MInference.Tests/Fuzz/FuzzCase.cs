using MInference.Prefill;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;

namespace MInference.Tests.Fuzz;

/// <summary>
/// One fuzzed valid problem, a pure function of its <see cref="Seed"/> and <see cref="Profile"/>
/// (<see cref="FuzzCaseGenerator.Create"/>): reported by its seed, it runs again alone with
/// <c>MI_FUZZ_SEEDS=seed</c>.
/// </summary>
/// <param name="Seed">The case's own seed: sizes, layouts, patterns and data all come from it.</param>
/// <param name="Profile">The size limits it was drawn under.</param>
/// <param name="Operation">The entry point it runs through.</param>
/// <param name="DType">Float16 or BFloat16.</param>
/// <param name="HeadDim">A head_dim the library supports (<see cref="FuzzHeadDims"/>).</param>
/// <param name="Batch">1 to 3.</param>
/// <param name="QHeads">KvHeads × 1, 2, 4 or 8.</param>
/// <param name="KvHeads">Key/value heads.</param>
/// <param name="QueryLength">q_len: equal to kv_len for the layer, at most kv_len when causal.</param>
/// <param name="KeyLength">kv_len.</param>
/// <param name="Layouts">Memory layouts of q, k, v and output.</param>
/// <param name="Causal">The dense case's mask (A-shape and layers are causal).</param>
/// <param name="SoftmaxScale">A scale other than 1/sqrt(D), or null (dense and A-shape only).</param>
/// <param name="WithLogSumExp">Whether the log-sum-exp is written and checked.</param>
/// <param name="Amplitude">Standard deviation of q (k and v are N(0, 1)): above 1 sharpens the softmax.</param>
/// <param name="AShape">The A-shape sizes of an <see cref="FuzzOperation.AShape"/> case.</param>
/// <param name="Heads">The heads an A-shape case lists (empty: all).</param>
/// <param name="ConfigJson">The layer's MInference pattern file (one layer), as generated.</param>
/// <param name="Patterns">The layer's per-head patterns, read back from <paramref name="ConfigJson"/>.</param>
/// <param name="Options">The layer's plan options.</param>
/// <param name="Runs">How often the layer runs (the second run on the same operands is a CUDA-graph replay).</param>
/// <param name="CheckedRows">The query rows compared: all of them, or tile edges plus random rows at long q_len.</param>
internal sealed record FuzzCase(
    int Seed,
    FuzzProfile Profile,
    FuzzOperation Operation,
    DType DType,
    int HeadDim,
    int Batch,
    int QHeads,
    int KvHeads,
    int QueryLength,
    int KeyLength,
    FuzzLayouts Layouts,
    bool Causal,
    float? SoftmaxScale,
    bool WithLogSumExp,
    float Amplitude,
    AShapeOptions? AShape,
    int[] Heads,
    string? ConfigJson,
    HeadPattern[] Patterns,
    SparsePrefillOptions? Options,
    int Runs,
    int[] CheckedRows)
{
    /// <summary>The query heads whose rows are written and compared.</summary>
    public int[] ComputedHeads => Heads.Length == 0 ? Enumerable.Range(0, QHeads).ToArray() : Heads;

    public TensorLayout QueryLayout => Layouts.Q.Of(Batch, QHeads, QueryLength, HeadDim);

    public TensorLayout KeyLayout => Layouts.K.Of(Batch, KvHeads, KeyLength, HeadDim);

    public TensorLayout ValueLayout => Layouts.V.Of(Batch, KvHeads, KeyLength, HeadDim);

    public TensorLayout OutputLayout => Layouts.Output.Of(Batch, QHeads, QueryLength, HeadDim);

    private string CostModelName => Options?.CostModel switch
    {
        null => "default",
        var model when model == PrefillCostModel.SparseAlways => "sparse-always",
        var model when model == PrefillCostModel.H100 => "h100",
        var model when model == PrefillCostModel.CpuReference => "cpu",
        _ => "custom",
    };

    /// <summary>One line that says what ran, e.g. <c>seed 123 [Gpu]: Dense BFloat16 D128 B2 H8/2 Nq100 Nkv300 causal ...</c>.</summary>
    public override string ToString()
    {
        string what = Operation switch
        {
            FuzzOperation.Dense => Causal ? "causal" : "non-causal",
            FuzzOperation.AShape => $"sink {AShape?.SinkTokens} local {AShape?.LocalWindow} heads [{string.Join(",", ComputedHeads)}]",
            _ => $"patterns [{string.Join(", ", Patterns.Select(p => p.ToString()))}] cost {CostModelName} max-density {Options?.MaxDensity} " +
                 $"max-index-bytes {Options?.MaxIndexBytes} min-seq {Options?.MinSequenceLength}/{Options?.MinEstimatedSequenceLength} concurrent {Options?.ConcurrentGroups} runs {Runs}",
        };
        string scale = SoftmaxScale is { } s ? $" scale {s}" : string.Empty;
        return $"seed {Seed} [{Profile}]: {Operation} {DType} D{HeadDim} B{Batch} H{QHeads}/{KvHeads} Nq{QueryLength} Nkv{KeyLength} {what}{scale} " +
               $"amplitude {Amplitude} lse {WithLogSumExp} layouts {Layouts} ({CheckedRows.Length} rows checked)";
    }
}

/// <summary>Where q, k, v and the output sit in memory.</summary>
internal sealed record FuzzLayouts(FuzzOperandLayout Q, FuzzOperandLayout K, FuzzOperandLayout V, FuzzOperandLayout Output)
{
    public override string ToString() => $"q {Q}, k {K}, v {V}, o {Output}";
}

/// <summary>Size limits of a fuzz run.</summary>
internal enum FuzzProfile
{
    /// <summary>The GPU run: N up to ~20K, rows sampled above 256 queries.</summary>
    Gpu,

    /// <summary>The CPU-only CI slice: short sequences, every row checked against a naive reference.</summary>
    CpuSlice,
}
