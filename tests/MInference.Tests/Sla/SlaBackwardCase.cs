using MInference.Sla;
using MInference.Tests.Gpu;

namespace MInference.Tests.Sla;

/// <summary>
/// One GPU-versus-CPU comparison of SLA's backward: batch 2, <paramref name="Heads"/> heads (2 but
/// for the chunked cases); q, k and v in <paramref name="Order"/>, dO and the gradients in
/// <paramref name="GradientOrder"/>.
/// </summary>
public sealed record SlaBackwardCase(
    int SequenceLength, int HeadDim, DType DType, MemoryOrder Order, MemoryOrder GradientOrder, SlaFeatureMap FeatureMap, SlaLinearBranch LinearBranch, string Variant, SlaOptions Options, int Heads = 2)
{
    public const int Batch = 2;

    /// <summary>Whether the paper's linear branch is empty in every row (every block critical): O_l = 0, so dW must be exactly 0.</summary>
    public bool LinearBranchVanishes => LinearBranch == SlaLinearBranch.MarginalBlocks && Options.CriticalFraction >= 1;

    /// <summary>
    /// One token under the released branch: O_l = v·den / (den + 10⁻⁵), so the exact dq and dk are
    /// O(10⁻⁵ / den) — a difference of two terms of size |dO_l·v| / den that cancel but for the
    /// bias — and a relative comparison measures only the rounding of those terms.
    /// </summary>
    public bool QueryKeyGradientsCancel => SequenceLength == 1 && LinearBranch == SlaLinearBranch.AllKeys;

    public TensorLayout Layout => LayoutOf(Order);

    public TensorLayout GradientLayout => LayoutOf(GradientOrder);

    /// <summary>
    /// Every (variant, linear branch, feature map) of <see cref="SlaForwardCase.Variants"/>, 24
    /// cases; N, D, dtype and both memory orders cycle at different rates, so each N, D, variant,
    /// branch and feature map meets both dtypes, and all four (inputs, gradients) order pairs occur
    /// (checked when the cases were chosen).
    /// </summary>
    public static IEnumerable<TestCaseData> All()
    {
        int[] lengths = [1, 63, 65, 200, 1000];
        int c = 0;
        foreach ((string name, SlaOptions variant) in SlaForwardCase.Variants)
        {
            foreach (SlaLinearBranch branch in Enum.GetValues<SlaLinearBranch>())
            {
                foreach (SlaFeatureMap map in Enum.GetValues<SlaFeatureMap>())
                {
                    var testCase = new SlaBackwardCase(
                        SequenceLength: lengths[(c + (c / 6)) % lengths.Length],
                        HeadDim: AttentionHeadDims.Supported[(c + (c / 3)) % AttentionHeadDims.Supported.Count],
                        DType: (c + (c / 4)) % 2 == 0 ? DType.BFloat16 : DType.Float16,
                        Order: ((c / 2) + (c / 5)) % 2 == 0 ? MemoryOrder.Bhsd : MemoryOrder.Bshd,
                        GradientOrder: (c + (c / 2) + (c / 3)) % 2 == 0 ? MemoryOrder.Bhsd : MemoryOrder.Bshd,
                        FeatureMap: map,
                        LinearBranch: branch,
                        Variant: name,
                        Options: variant with { FeatureMap = map, LinearBranch = branch });
                    c++;
                    yield return new TestCaseData(testCase).SetArgDisplayNames(testCase.ToString());
                }
            }
        }

        int g = 0;
        foreach (SlaForwardCase.CausalCase causal in SlaForwardCase.CausalCases())
        {
            MemoryOrder gradientOrder = g++ % 3 == 0 ? MemoryOrder.Bhsd : MemoryOrder.Bshd;
            var testCase = new SlaBackwardCase(
                causal.SequenceLength, causal.HeadDim, causal.DType, causal.Order, gradientOrder, causal.Options.FeatureMap, SlaLinearBranch.MarginalBlocks, causal.Variant, causal.Options);
            yield return new TestCaseData(testCase).SetArgDisplayNames(testCase.ToString());
        }

        foreach (SlaForwardCase.ChunkedCase chunked in SlaForwardCase.ChunkedCases())
        {
            var testCase = new SlaBackwardCase(
                chunked.SequenceLength, chunked.HeadDim, DType.BFloat16, MemoryOrder.Bshd, MemoryOrder.Bhsd, SlaFeatureMap.Softmax,
                SlaLinearBranch.MarginalBlocks, chunked.Variant, chunked.Options, chunked.Heads);
            yield return new TestCaseData(testCase).SetArgDisplayNames(testCase.ToString());
        }

        foreach (SlaForwardCase.RunCase run in SlaForwardCase.RunCases())
        {
            var testCase = new SlaBackwardCase(
                run.SequenceLength, run.HeadDim, run.DType, MemoryOrder.Bhsd, MemoryOrder.Bshd, SlaFeatureMap.Softmax,
                run.LinearBranch, run.Variant, new SlaOptions { LinearBranch = run.LinearBranch }, run.Heads);
            yield return new TestCaseData(testCase).SetArgDisplayNames(testCase.ToString());
        }
    }

    public override string ToString() =>
        $"N{SequenceLength} D{HeadDim} {DType} H{Heads} {Order} grads {GradientOrder} {FeatureMap} {LinearBranch} {Variant}";

    private TensorLayout LayoutOf(MemoryOrder order) => order == MemoryOrder.Bhsd
        ? TensorLayout.Bhsd(Batch, Heads, SequenceLength, HeadDim)
        : TensorLayout.Bshd(Batch, SequenceLength, Heads, HeadDim);
}
