using MInference.Sparse.Patterns;

namespace MInference.Sparse.Prefill;

/// <summary>
/// What <see cref="SparsePrefill.RunLayer(GpuContext, DeviceTensor, DeviceTensor, DeviceTensor, IReadOnlyList{HeadPattern}, DeviceTensor, DeviceBuffer?)"/>
/// did: one <see cref="PatternGroupReport"/> per distinct pattern, the heads of the one dense launch,
/// the entries computed and, when measured, the time of each step.
/// </summary>
public sealed class SparsePrefillReport
{
    private readonly int[] _denseHeads;

    internal SparsePrefillReport(
        CausalProblem problem, SparsePrefillOptions options, PatternGroupReport[] groups, int[] denseHeads, int attentionLaunchCount, float? denseAttentionMilliseconds)
    {
        BatchSize = problem.Batch;
        HeadCount = problem.QHeads;
        SequenceLength = problem.SequenceLength;
        Options = options;
        Groups = Array.AsReadOnly(groups);
        _denseHeads = denseHeads;
        AttentionLaunchCount = attentionLaunchCount;
        DenseAttentionMilliseconds = denseAttentionMilliseconds;
        Fallbacks = Array.AsReadOnly(groups.SelectMany(group => group.Fallbacks).OrderBy(fallback => fallback.Head).ToArray());
        ComputedEntries = groups.Sum(group => group.ComputedEntries);
        DensityIsExact = groups.All(group => group.DensityIsExact);
        if (options.MeasureStepTimes)
        {
            var attention = new SparsePrefillStepTimes(0, 0, denseAttentionMilliseconds ?? 0);
            StepTimes = groups.Aggregate(attention, (sum, group) => sum.Add(group.StepTimes ?? default));
        }
    }

    /// <summary>Batch elements.</summary>
    public int BatchSize { get; }

    /// <summary>Query heads of the layer.</summary>
    public int HeadCount { get; }

    /// <summary>N, the number of queries and keys.</summary>
    public int SequenceLength { get; }

    /// <summary>The options the layer ran with (the fallback policy among them).</summary>
    public SparsePrefillOptions Options { get; }

    /// <summary>One report per distinct pattern, ordered by first head.</summary>
    public IReadOnlyList<PatternGroupReport> Groups { get; }

    /// <summary>The heads the layer's one dense launch computed (dense patterns and fallbacks), ascending; empty when there was none.</summary>
    public ReadOnlyMemory<int> DenseHeads => _denseHeads;

    /// <summary>Every head of a sparse pattern that ran dense, by head.</summary>
    public IReadOnlyList<DenseFallback> Fallbacks { get; }

    /// <summary>Attention launches: one per group that ran its pattern, plus one when any head ran dense.</summary>
    public int AttentionLaunchCount { get; }

    /// <summary>(query, key) entries computed over every head and batch element; FLOPs are 4·entries·head_dim.</summary>
    public long ComputedEntries { get; }

    /// <summary>The fraction of the B·H·N(N+1)/2 causal entries computed.</summary>
    public double Density => ComputedEntries / ((double)BatchSize * HeadCount * SparseDensity.CausalEntries(SequenceLength));

    /// <summary>False where vertical-slash entries were bounded from per-row counts (see <see cref="SparsePrefillOptions.ExactDensity"/>).</summary>
    public bool DensityIsExact { get; }

    /// <summary>GPU milliseconds of the dense launch, when step times were measured and there was one.</summary>
    public float? DenseAttentionMilliseconds { get; }

    /// <summary>
    /// The steps summed over the groups, the dense launch counted as attention, with
    /// <see cref="SparsePrefillOptions.MeasureStepTimes"/>; otherwise null. Host work between the
    /// steps (density counting, allocation) is not included.
    /// </summary>
    public SparsePrefillStepTimes? StepTimes { get; }

    /// <summary>One line per group, then the dense launch.</summary>
    public override string ToString() =>
        string.Join(Environment.NewLine, Groups.Select(group => group.ToString())
            .Append($"dense launch: {(_denseHeads.Length == 0 ? "none" : $"heads {string.Join(", ", _denseHeads)}")}; density {Density:F4}"));
}
