using MInference.Sla;
using MInference.Tests.Gpu;

namespace MInference.Tests.Sla;

/// <summary>One GPU-versus-CPU comparison of SLA's forward: batch 2, <paramref name="Heads"/> heads.</summary>
public sealed record SlaForwardCase(
    int SequenceLength, int HeadDim, DType DType, int Heads, MemoryOrder Order, SlaFeatureMap FeatureMap, SlaLinearBranch LinearBranch, string Variant, SlaOptions Options)
{
    public const int Batch = 2;

    /// <summary>The settings every GPU comparison runs under (the backward's cases take them too).</summary>
    internal static readonly (string Name, SlaOptions Options)[] Variants =
    [
        ("k_h 5% k_l 10%", new SlaOptions()),
        ("all critical", new SlaOptions { CriticalFraction = 1.0, NegligibleFraction = 0 }),
        ("one critical block", new SlaOptions { CriticalFraction = 1e-9, NegligibleFraction = 0.3 }),
        ("k_h 30% k_l 30% scale 0.3 no smooth-K", new SlaOptions { CriticalFraction = 0.3, NegligibleFraction = 0.3, SoftmaxScale = 0.3, SmoothKeys = false }),
    ];

    /// <summary>Causal settings (the marginal-blocks branch only): the diagonal alone critical in most rows, a wider mask, and every visible block critical.</summary>
    internal static readonly (string Name, SlaOptions Options)[] CausalVariants =
    [
        ("causal k_h 5% k_l 10%", new SlaOptions { Causal = true }),
        ("causal k_h 30% k_l 20% no smooth-K", new SlaOptions { Causal = true, CriticalFraction = 0.3, NegligibleFraction = 0.2, SmoothKeys = false }),
        ("causal all critical", new SlaOptions { Causal = true, CriticalFraction = 1.0, NegligibleFraction = 0 }),
    ];

    /// <summary>Whether the paper's linear branch is empty in every row (every block critical): O_l must be exactly 0.</summary>
    public bool LinearBranchVanishes => LinearBranch == SlaLinearBranch.MarginalBlocks && Options.CriticalFraction >= 1;

    public TensorLayout Layout => Order == MemoryOrder.Bhsd
        ? TensorLayout.Bhsd(Batch, Heads, SequenceLength, HeadDim)
        : TensorLayout.Bshd(Batch, SequenceLength, Heads, HeadDim);

    /// <summary>
    /// Every (variant, linear branch, feature map), 24 cases; N, D, dtype, memory order and heads
    /// cycle at different rates, so each N, D and order meets both dtypes and every variant meets
    /// both dtypes (checked when the cases were chosen).
    /// </summary>
    public static IEnumerable<TestCaseData> All()
    {
        int[] lengths = [1, 63, 65, 200, 1000];
        int c = 0;
        foreach ((string name, SlaOptions variant) in Variants)
        {
            foreach (SlaLinearBranch branch in Enum.GetValues<SlaLinearBranch>())
            {
                foreach (SlaFeatureMap map in Enum.GetValues<SlaFeatureMap>())
                {
                    var testCase = new SlaForwardCase(
                        SequenceLength: lengths[(c + (c / 6)) % lengths.Length],
                        HeadDim: AttentionHeadDims.Supported[(c + (c / 3)) % AttentionHeadDims.Supported.Count],
                        DType: (c + (c / 4)) % 2 == 0 ? DType.BFloat16 : DType.Float16,
                        Heads: 2 + ((c / 2) % 2),
                        Order: ((c / 2) + (c / 5)) % 2 == 0 ? MemoryOrder.Bhsd : MemoryOrder.Bshd,
                        FeatureMap: map,
                        LinearBranch: branch,
                        Variant: name,
                        Options: variant with { FeatureMap = map, LinearBranch = branch });
                    c++;
                    yield return new TestCaseData(testCase).SetArgDisplayNames(testCase.ToString());
                }
            }
        }

        foreach (CausalCase causal in CausalCases())
        {
            var testCase = new SlaForwardCase(
                causal.SequenceLength, causal.HeadDim, causal.DType, Heads: 2, causal.Order, causal.Options.FeatureMap, SlaLinearBranch.MarginalBlocks, causal.Variant, causal.Options);
            yield return new TestCaseData(testCase).SetArgDisplayNames(testCase.ToString());
        }

        foreach (ChunkedCase chunked in ChunkedCases())
        {
            var testCase = new SlaForwardCase(
                chunked.SequenceLength, chunked.HeadDim, DType.BFloat16, chunked.Heads, MemoryOrder.Bshd, SlaFeatureMap.Softmax,
                SlaLinearBranch.MarginalBlocks, chunked.Variant, chunked.Options);
            yield return new TestCaseData(testCase).SetArgDisplayNames(testCase.ToString());
        }

        foreach (RunCase run in RunCases())
        {
            var testCase = new SlaForwardCase(
                run.SequenceLength, run.HeadDim, run.DType, run.Heads, MemoryOrder.Bhsd, SlaFeatureMap.Softmax,
                run.LinearBranch, run.Variant, new SlaOptions { LinearBranch = run.LinearBranch });
            yield return new TestCaseData(testCase).SetArgDisplayNames(testCase.ToString());
        }
    }

    /// <summary>
    /// More blocks than the device has CTA slots for the linear-branch kernels, so that on an H100
    /// a CTA takes a run of several blocks (the forward's W and the group's state resident, the next
    /// block fetched during this one; the released backward dq's group state loaded once): 2 x 40 groups of 5
    /// blocks at head_dim 128 (one CTA per SM: runs of 5 forward, of 2 or 3 backward), and 2 x 32
    /// groups of 10 blocks at head_dim 64 (four per SM: runs of 2). Both branches at head_dim 128;
    /// the released one (whose state the runs share) at 64.
    /// </summary>
    internal static IEnumerable<RunCase> RunCases()
    {
        foreach (SlaLinearBranch branch in Enum.GetValues<SlaLinearBranch>())
            yield return new RunCase(300, 128, 40, DType.BFloat16, branch, "runs of blocks");
        yield return new RunCase(600, 64, 32, DType.Float16, SlaLinearBranch.AllKeys, "runs of blocks");
    }

    /// <summary>One many-groups setting: sizes, heads, dtype and the branch (default options otherwise).</summary>
    internal readonly record struct RunCase(int SequenceLength, int HeadDim, int Heads, DType DType, SlaLinearBranch LinearBranch, string Variant);

    /// <summary>
    /// Enough groups at head_dim 64 that the paper branch's marginal states go several groups to a
    /// launch, with a shorter last chunk: 2 x 8 groups of 300 tokens, whose states (about 4 x a
    /// group's share of Q each) fit three at a time in the size of Q, so the forward runs chunks of
    /// 3, 3, 3, 3, 3 and 1 groups (the backward, within 2 x Q, its own split); bidirectional and
    /// causal.
    /// </summary>
    internal static IEnumerable<ChunkedCase> ChunkedCases()
    {
        yield return new ChunkedCase(300, 64, 8, "chunked groups", new SlaOptions { CriticalFraction = 0.2, NegligibleFraction = 0.2 });
        yield return new ChunkedCase(300, 64, 8, "chunked groups causal", new SlaOptions { Causal = true, CriticalFraction = 0.2, NegligibleFraction = 0.2 });
    }

    /// <summary>One chunked-groups setting: sizes, heads and the options.</summary>
    internal readonly record struct ChunkedCase(int SequenceLength, int HeadDim, int Heads, string Variant, SlaOptions Options);

    /// <summary>
    /// The causal cases the forward and backward tests share: every (variant, feature map) of
    /// <see cref="CausalVariants"/>, 9 cases; N (past one block, so rows differ in their visible
    /// blocks), D, dtype and memory order cycle.
    /// </summary>
    internal static IEnumerable<CausalCase> CausalCases()
    {
        int[] lengths = [65, 200, 1000, 330];
        int c = 0;
        foreach ((string name, SlaOptions variant) in CausalVariants)
        {
            foreach (SlaFeatureMap map in Enum.GetValues<SlaFeatureMap>())
            {
                yield return new CausalCase(
                    lengths[c % lengths.Length],
                    AttentionHeadDims.Supported[(c + (c / 3)) % AttentionHeadDims.Supported.Count],
                    c % 2 == 0 ? DType.BFloat16 : DType.Float16,
                    (c / 2) % 2 == 0 ? MemoryOrder.Bhsd : MemoryOrder.Bshd,
                    name,
                    variant with { FeatureMap = map });
                c++;
            }
        }
    }

    /// <summary>One causal setting: sizes, dtype, memory order and the options (φ included).</summary>
    internal readonly record struct CausalCase(int SequenceLength, int HeadDim, DType DType, MemoryOrder Order, string Variant, SlaOptions Options);

    public override string ToString() =>
        $"N{SequenceLength} D{HeadDim} {DType} H{Heads} {Order} {FeatureMap} {LinearBranch} {Variant}";
}
