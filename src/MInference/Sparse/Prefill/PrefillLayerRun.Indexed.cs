namespace MInference.Sparse;

internal sealed partial class PrefillLayerRun
{
    /// <summary>Counting exactly: asked for, or implied by keeping the indices (whose copies are counted exactly).</summary>
    private bool CountsExactly => _options.ExactDensity || _options.KeepIndices;

    /// <summary>
    /// Block-sparse: estimate the index on the GPU, count each head's entries, and launch the heads
    /// that stay under the density limit. When only some stay, their index is estimated again for
    /// the shorter head list (the estimation of a head does not depend on the others).
    /// </summary>
    private PatternGroupReport RunBlockSparse(int[] heads, BlockSparsePattern pattern)
    {
        var times = default(SparsePrefillStepTimes);
        DeviceCsrIndex index = EstimateBlocks(heads, pattern, ref times);
        long[] entries = CountBlocks(index, heads.Length);
        FallbackDecision decision = FallbackDecision.ByDensity(_options, heads, Densities(entries));
        int[] sparseHeads = decision.SparseHeads;
        if (!decision.KeepsAll)
        {
            Discard(index);
            if (sparseHeads.Length == 0)
            {
                return Finish(pattern, heads, decision, [], times, exact: true);
            }

            index = EstimateBlocks(sparseHeads, pattern, ref times);
            entries = CountBlocks(index, sparseHeads.Length);
        }

        BlockSparseIndex? copy = _options.KeepIndices
            ? DeviceIndexEntries.DownloadBlockSparse(index, SequenceLength, _problem.Batch, sparseHeads)
            : null;
        float attention = LaunchTimed(() => Attention.BlockSparse(
            _context, _operands.Q, _operands.K, _operands.V, _operands.Output, index, sparseHeads, _operands.LogSumExp));
        return Finish(pattern, heads, decision, entries, times with { AttentionMilliseconds = attention }, exact: true, copy);
    }

    /// <summary>
    /// Vertical-slash: estimate, select and convert on the GPU, count each head's entries, and launch
    /// the heads that stay under the density limit; when only some stay, their index is built again
    /// for the shorter head list (selection is per (batch, head), independent of the others).
    /// </summary>
    private PatternGroupReport RunVerticalSlash(int[] heads, VerticalSlashPattern pattern)
    {
        var times = default(SparsePrefillStepTimes);
        DeviceVerticalSlashIndex index = BuildVerticalSlash(heads, pattern, ref times);
        long[] entries = DeviceIndexEntries.PerHead(DeviceIndexEntries.VerticalSlash(index, CountsExactly), heads.Length);
        FallbackDecision decision = FallbackDecision.ByDensity(_options, heads, Densities(entries));
        int[] sparseHeads = decision.SparseHeads;
        if (!decision.KeepsAll)
        {
            Discard(index);
            if (sparseHeads.Length == 0)
            {
                return Finish(pattern, heads, decision, [], times, CountsExactly);
            }

            index = BuildVerticalSlash(sparseHeads, pattern, ref times);
            entries = DeviceIndexEntries.PerHead(DeviceIndexEntries.VerticalSlash(index, CountsExactly), sparseHeads.Length);
        }

        VerticalSlashIndex? copy = _options.KeepIndices ? index.Download() : null;
        float attention = LaunchTimed(() => Attention.VerticalSlash(
            _context, _operands.Q, _operands.K, _operands.V, _operands.Output, index.Blocks, index.Columns, sparseHeads, _operands.LogSumExp));
        return Finish(pattern, heads, decision, entries, times with { AttentionMilliseconds = attention }, CountsExactly, copy);
    }

    /// <summary>The block-sparse index of <paramref name="heads"/>, its estimation timed as the estimate step.</summary>
    private DeviceCsrIndex EstimateBlocks(int[] heads, BlockSparsePattern pattern, ref SparsePrefillStepTimes times)
    {
        _timer?.Start();
        DeviceCsrIndex index = BlockSparseGpu.Estimate(_context, _operands.Q, _operands.K, heads, pattern);
        _indices.Add(index);
        float milliseconds = _timer?.Stop() ?? 0;
        times = times with { EstimateMilliseconds = times.EstimateMilliseconds + milliseconds };
        return index;
    }

    /// <summary>The block-sparse entries of each head of an index, over the batch.</summary>
    private long[] CountBlocks(DeviceCsrIndex index, int headCount) =>
        DeviceIndexEntries.PerHead(DeviceIndexEntries.BlockSparse(index, SequenceLength, CountsExactly), headCount);

    /// <summary>
    /// The vertical-slash index of <paramref name="heads"/>; scoring and selection are timed as the
    /// estimate step (MInference's estimation), the conversion as the index step.
    /// </summary>
    private DeviceVerticalSlashIndex BuildVerticalSlash(int[] heads, VerticalSlashPattern pattern, ref SparsePrefillStepTimes times)
    {
        DeviceVerticalSlashIndex index = VerticalSlashGpu.BuildIndex(_context, _operands.Q, _operands.K, heads, pattern, softmaxScale: null, _timer);
        _indices.Add(index);
        if (index.StepTimes is { } steps)
        {
            times = times.Add(new SparsePrefillStepTimes(steps.EstimateMilliseconds + steps.SelectMilliseconds, steps.IndexMilliseconds, 0));
        }

        return index;
    }

    /// <summary>Frees an index no kernel has read (its counts were downloaded, so the stream has finished building it).</summary>
    private void Discard(IDisposable index)
    {
        _indices.Remove(index);
        index.Dispose();
    }
}
