using MInference.Sparse.Indexes;
using MInference.Sparse.Patterns;

namespace MInference.Sparse.Prefill;

/// <summary>
/// What <see cref="SparsePrefill"/> did with the heads of one layer that share a pattern: which
/// heads ran the pattern in the group's own launch, which ran dense and why, how much each computed
/// and, when measured, how long each step took.
/// </summary>
public sealed class PatternGroupReport
{
    private readonly int[] _heads;
    private readonly int[] _sparseHeads;
    private readonly int[] _denseHeads;
    private readonly double[] _densities;

    internal PatternGroupReport(
        HeadPattern pattern, int[] heads, int[] sparseHeads, int[] denseHeads, DenseFallback[] fallbacks, double[] densities, long computedEntries, bool densityIsExact)
    {
        Pattern = pattern;
        _heads = heads;
        _sparseHeads = sparseHeads;
        _denseHeads = denseHeads;
        Fallbacks = Array.AsReadOnly(fallbacks);
        _densities = densities;
        ComputedEntries = computedEntries;
        DensityIsExact = densityIsExact;
    }

    /// <summary>The pattern the group's heads are configured with.</summary>
    public HeadPattern Pattern { get; }

    /// <summary>Every query head of the group, ascending.</summary>
    public ReadOnlyMemory<int> Heads => _heads;

    /// <summary>The heads computed with <see cref="Pattern"/> in the group's own launch (none for <see cref="DensePattern"/>).</summary>
    public ReadOnlyMemory<int> SparseHeads => _sparseHeads;

    /// <summary>The heads computed by the layer's dense launch instead: the dense pattern's heads, or the fallbacks.</summary>
    public ReadOnlyMemory<int> DenseHeads => _denseHeads;

    /// <summary>The heads of a sparse pattern that ran dense, with the reason; empty for <see cref="DensePattern"/>.</summary>
    public IReadOnlyList<DenseFallback> Fallbacks { get; }

    /// <summary>
    /// For each head of <see cref="Heads"/>, the fraction of its N(N+1)/2 causal entries (per batch
    /// element) that it computed: 1 for heads that ran dense.
    /// </summary>
    public ReadOnlyMemory<double> Densities => _densities;

    /// <summary>(query, key) entries computed by the group's heads over every batch element; FLOPs are 4·entries·head_dim.</summary>
    public long ComputedEntries { get; }

    /// <summary>False where vertical-slash entries were bounded from per-row counts (see <see cref="SparsePrefillOptions.ExactDensity"/>).</summary>
    public bool DensityIsExact { get; }

    /// <summary>The group's step times (its own attention launch; the dense launch is the layer's), when measured.</summary>
    public SparsePrefillStepTimes? StepTimes { get; init; }

    /// <summary>A host copy of the vertical-slash index the group's launch used, with <see cref="SparsePrefillOptions.KeepIndices"/>.</summary>
    public VerticalSlashIndex? VerticalSlashIndex { get; init; }

    /// <summary>A host copy of the block-sparse index the group's launch used, with <see cref="SparsePrefillOptions.KeepIndices"/>.</summary>
    public BlockSparseIndex? BlockSparseIndex { get; init; }

    /// <summary>With <see cref="SparsePrefillOptions.KeepIndices"/>, a copy of the grid heads' index (kept blocks and token orders) the run built; otherwise null.</summary>
    public Multimodal.PermutedBlockIndex? PermutedBlockIndex { get; init; }

    /// <summary>For example <c>vertical_and_slash(1000, 6096): heads 0, 2, 5; sparse 0, 5; dense 2 (head 2: DensityAboveLimit (0.912))</c>.</summary>
    public override string ToString()
    {
        string dense = _denseHeads.Length == 0 ? string.Empty : $"; dense {string.Join(", ", _denseHeads)}";
        string reasons = Fallbacks.Count == 0 ? string.Empty : $" ({string.Join("; ", Fallbacks)})";
        return $"{Pattern}: heads {string.Join(", ", _heads)}; sparse {(_sparseHeads.Length == 0 ? "none" : string.Join(", ", _sparseHeads))}{dense}{reasons}";
    }
}
