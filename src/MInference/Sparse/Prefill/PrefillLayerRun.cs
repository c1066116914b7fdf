namespace MInference.Sparse;

/// <summary>
/// One run of <see cref="SparsePrefill"/> over a layer: each group of heads is estimated where its
/// pattern needs it, checked against the fallback policy and launched over its head list; the
/// heads that run dense are gathered into one launch at the end. Owns the device indices it builds
/// until the kernels that read them have run.
/// </summary>
internal sealed partial class PrefillLayerRun : IDisposable
{
    private readonly GpuContext _context;
    private readonly PrefillOperands _operands;
    private readonly SparsePrefillOptions _options;
    private readonly CausalProblem _problem;
    private readonly GpuTimer? _timer;
    private readonly List<IDisposable> _indices = [];
    private readonly List<int> _denseHeads = [];
    private int _launches;

    public PrefillLayerRun(GpuContext context, PrefillOperands operands, SparsePrefillOptions options, CausalProblem problem)
    {
        _context = context;
        _operands = operands;
        _options = options;
        _problem = problem;
        _timer = options.MeasureStepTimes ? new GpuTimer(context) : null;
    }

    private int SequenceLength => _problem.SequenceLength;

    /// <summary>Causal entries of one head over every batch element: the denominator of a head's density.</summary>
    private long CausalEntriesPerHead => _problem.Batch * SparseDensity.CausalEntries(SequenceLength);

    /// <summary>Runs every group, then the dense launch; waits for the GPU when indices were built (they are freed next).</summary>
    public SparsePrefillReport Run(PatternHeadGroup[] groups)
    {
        PatternGroupReport[] reports = groups.Select(RunGroup).ToArray();
        int[] denseHeads = _denseHeads.Order().ToArray();
        float? denseMilliseconds = denseHeads.Length == 0 ? null : LaunchDense(denseHeads);
        if (_indices.Count > 0)
        {
            // Dispose frees the indices: the kernels that read them must have run by then.
            _context.Synchronize();
        }

        return new SparsePrefillReport(_problem, _options, reports, denseHeads, _launches, _timer is null ? null : denseMilliseconds);
    }

    /// <summary>Frees the indices and the timer.</summary>
    public void Dispose()
    {
        foreach (IDisposable index in _indices)
        {
            index.Dispose();
        }

        _timer?.Dispose();
    }

    private PatternGroupReport RunGroup(PatternHeadGroup group)
    {
        int[] heads = group.Heads.ToArray();
        if (group.Pattern is DensePattern)
        {
            return Finish(group.Pattern, heads, new FallbackDecision([], []), [], default, exact: true);
        }

        if (_options.IsTooShort(SequenceLength, group.Pattern))
        {
            return Finish(group.Pattern, heads, FallbackDecision.ShortSequence(heads), [], default, exact: true);
        }

        return group.Pattern switch
        {
            AShapePattern aShape => RunAShape(heads, aShape),
            BlockSparsePattern blockSparse => RunBlockSparse(heads, blockSparse),
            VerticalSlashPattern verticalSlash => RunVerticalSlash(heads, verticalSlash),
            _ => throw new NotSupportedException($"pattern {group.Pattern} has no GPU path"),
        };
    }

    /// <summary>A-shape: the density is known in closed form, so the decision needs no estimation.</summary>
    private PatternGroupReport RunAShape(int[] heads, AShapePattern pattern)
    {
        long entries = _problem.Batch * SparseDensity.AShapeEntries(SequenceLength, pattern);
        double density = entries / (double)CausalEntriesPerHead;
        FallbackDecision decision = FallbackDecision.ByDensity(_options, heads, heads.Select(_ => density).ToArray());
        float attention = decision.SparseHeads.Length == 0 ? 0 : LaunchTimed(() => Attention.AShape(
            _context, _operands.Q, _operands.K, _operands.V, _operands.Output,
            new AShapeOptions(pattern.SinkTokens, pattern.LocalWindow), decision.SparseHeads, _operands.LogSumExp));
        return Finish(pattern, heads, decision, decision.SparseHeads.Select(_ => entries).ToArray(), new SparsePrefillStepTimes(0, 0, attention), exact: true);
    }

    /// <summary>
    /// The heads that run dense, in one launch. <see cref="Attention.Dense"/> takes no head list, so
    /// unless every head is dense this is <see cref="Attention.AShape"/> with no sink tokens and a
    /// window of N keys: query i then sees every key j &lt;= i, exactly causal dense attention over a
    /// head list, and the A-shape tile policy visits every causal tile.
    /// </summary>
    private float LaunchDense(int[] heads)
    {
        if (heads.Length == _problem.QHeads)
        {
            return LaunchTimed(() => Attention.Dense(
                _context, _operands.Q, _operands.K, _operands.V, _operands.Output, new DenseAttentionOptions { Causal = true }, _operands.LogSumExp));
        }

        return LaunchTimed(() => Attention.AShape(
            _context, _operands.Q, _operands.K, _operands.V, _operands.Output, new AShapeOptions(0, SequenceLength), heads, _operands.LogSumExp));
    }

    /// <summary>Makes one attention launch, timed when step times are measured (0 otherwise).</summary>
    private float LaunchTimed(Action launch)
    {
        _launches++;
        if (_timer is null)
        {
            launch();
            return 0;
        }

        _timer.Start();
        launch();
        return _timer.Stop();
    }

    /// <summary>Each head's pattern density from its entries (summed over the batch).</summary>
    private double[] Densities(long[] headEntries) => headEntries.Select(entries => entries / (double)CausalEntriesPerHead).ToArray();

    /// <summary>Records the group's dense heads for the final launch and builds its report.</summary>
    /// <param name="pattern">The group's pattern.</param>
    /// <param name="heads">The group's heads.</param>
    /// <param name="decision">Which heads kept the pattern.</param>
    /// <param name="sparseEntries">Entries of each of <see cref="FallbackDecision.SparseHeads"/>, over the batch.</param>
    /// <param name="times">The group's step times (zeros when not measured).</param>
    /// <param name="exact">Whether the entries were counted exactly.</param>
    /// <param name="copy">The host copy of the index the launch used, with <see cref="SparsePrefillOptions.KeepIndices"/>.</param>
    private PatternGroupReport Finish(
        HeadPattern pattern, int[] heads, FallbackDecision decision, long[] sparseEntries, SparsePrefillStepTimes times, bool exact, object? copy = null)
    {
        int[] denseHeads = pattern is DensePattern ? heads : decision.DenseHeads;
        _denseHeads.AddRange(denseHeads);
        var entries = new long[heads.Length];
        for (int i = 0; i < heads.Length; i++)
        {
            int slot = Array.IndexOf(decision.SparseHeads, heads[i]);
            entries[i] = slot >= 0 ? sparseEntries[slot] : CausalEntriesPerHead;
        }

        // Heads that ran dense are counted exactly whatever the pattern.
        bool exactCount = exact || decision.SparseHeads.Length == 0;
        return new PatternGroupReport(pattern, heads, decision.SparseHeads, denseHeads, decision.Fallbacks, Densities(entries), entries.Sum(), exactCount)
        {
            StepTimes = _timer is null ? null : times,
            VerticalSlashIndex = copy as VerticalSlashIndex,
            BlockSparseIndex = copy as BlockSparseIndex,
        };
    }
}
