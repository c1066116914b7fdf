namespace MInference.Multimodal;

/// <summary>What <see cref="GridEstimation"/> found for one (batch, head).</summary>
/// <param name="Stride">The grid stride: key offsets i − j at its multiples (and keys at phase + its multiples) draw the most attention.</param>
/// <param name="Phase">The vertical lines' phase class: keys at positions ≡ Phase (mod Stride), in [0, Stride).</param>
/// <param name="DiagonalContrast">Mean attention at offsets that are multiples of the stride over the mean at every offset (1: no periodicity).</param>
/// <param name="VerticalContrast">Mean attention to keys of the phase class over the mean to every key (1: no vertical lines).</param>
public sealed record GridEstimate(int Stride, int Phase, double DiagonalContrast, double VerticalContrast)
{
    /// <summary>The permutation this estimate asks for over N tokens.</summary>
    /// <exception cref="ArgumentOutOfRangeException">N is under the stride.</exception>
    public GridPermutation Permutation(int sequenceLength) => new(sequenceLength, Stride, Phase);
}
