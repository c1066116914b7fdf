namespace MInference.Tests.Gpu;

/// <summary>The grid of dense attention cases compared against the CPU reference.</summary>
public static class DenseAttentionCases
{
    private static readonly int[] s_shortSequences = [1, 17, 63, 64, 65, 127, 1000];
    private static readonly (int Heads, int KvHeads)[] s_headGroups = [(8, 8), (8, 2), (8, 1)];
    private static readonly int[] s_headDims = [.. AttentionHeadDims.Supported];
    private static readonly bool[] s_causalities = [false, true];
    private static readonly DType[] s_dtypes = [DType.BFloat16, DType.Float16];

    public static IEnumerable<TestCaseData> All() =>
        FullGridUpTo1000()
            .Concat(Batch3Subset())
            .Concat(Sequence4096Subset())
            .Concat(ShorterQueriesThanKeys())
            .Concat(SpecialCases())
            .Select(testCase => new TestCaseData(testCase).SetArgDisplayNames(testCase.ToString()));

    /// <summary>Every combination at batch 1, sequences up to 1000 (tile edges 63/64/65/127 included): 168 cases.</summary>
    private static IEnumerable<DenseCase> FullGridUpTo1000() =>
        from seq in s_shortSequences
        from heads in s_headGroups
        from headDim in s_headDims
        from causal in s_causalities
        from dtype in s_dtypes
        select new DenseCase(1, heads.Heads, heads.KvHeads, seq, seq, headDim, dtype, causal);

    /// <summary>Batch 3 on a subset (GQA and MQA, both dims, both masks; dtype alternating with dim): 24 cases.</summary>
    private static IEnumerable<DenseCase> Batch3Subset() =>
        from seq in new[] { 17, 127, 1000 }
        from heads in s_headGroups[1..]
        from headDim in s_headDims
        from causal in s_causalities
        select new DenseCase(3, heads.Heads, heads.KvHeads, seq, seq, headDim, headDim == 128 ? DType.BFloat16 : DType.Float16, causal);

    /// <summary>Sequence 4096, checked on sampled rows: all of GQA 8/2, plus MHA and MQA in two configurations each: 12 cases.</summary>
    private static IEnumerable<DenseCase> Sequence4096Subset() =>
        (from headDim in s_headDims
         from causal in s_causalities
         from dtype in s_dtypes
         select new DenseCase(1, 8, 2, 4096, 4096, headDim, dtype, causal, SampleRows: true))
        .Concat(
            from heads in new[] { s_headGroups[0], s_headGroups[2] }
            from variant in new[] { (HeadDim: 128, DType: DType.BFloat16, Causal: true), (HeadDim: 64, DType: DType.Float16, Causal: false) }
            select new DenseCase(1, heads.Heads, heads.KvHeads, 4096, 4096, variant.HeadDim, variant.DType, variant.Causal, SampleRows: true));

    /// <summary>q_len &lt; kv_len (decode-like and chunked-prefill-like), both masks and dtypes: 16 cases.</summary>
    private static IEnumerable<DenseCase> ShorterQueriesThanKeys() =>
        from lengths in new[] { (Q: 1, Kv: 4096), (Q: 17, Kv: 1000), (Q: 65, Kv: 127), (Q: 100, Kv: 4096) }
        from causal in s_causalities
        from dtype in s_dtypes
        from headDim in s_headDims
        select new DenseCase(1, 8, 2, lengths.Q, lengths.Kv, headDim, dtype, causal);

    /// <summary>Strided BSHD operands, explicit softmax scales, and a call without log-sum-exp.</summary>
    private static IEnumerable<DenseCase> SpecialCases() =>
    [
        new(1, 8, 2, 127, 127, 128, DType.BFloat16, Causal: true, MemoryOrder.Bshd),
        new(3, 8, 1, 65, 65, 64, DType.Float16, Causal: false, MemoryOrder.Bshd),
        new(1, 8, 2, 17, 1000, 128, DType.Float16, Causal: true, MemoryOrder.Bshd),
        new(1, 8, 2, 65, 65, 64, DType.BFloat16, Causal: true, Scale: 0.5f),
        new(1, 8, 8, 127, 127, 128, DType.Float16, Causal: false, Scale: 0.02f),
        new(1, 8, 2, 127, 127, 128, DType.BFloat16, Causal: true, WithLogSumExp: false),
        new(2, 8, 2, 127, 127, 96, DType.BFloat16, Causal: true, MemoryOrder.Bshd),
        new(1, 8, 4, 65, 1000, 96, DType.Float16, Causal: true, MemoryOrder.Bshd),
    ];
}
