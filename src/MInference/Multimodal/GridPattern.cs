namespace MInference.Multimodal;

/// <summary>
/// A grid head's configuration: after the online stride/phase estimate and the permutation, each
/// 64-row block of permuted queries keeps its diagonal block (every query sees its own key), the
/// blocks of the vertical-line class (the first ClassSize(0) permuted keys), and the
/// <see cref="TopKBlocks"/> best other blocks by pooled score.
/// </summary>
/// <param name="TopKBlocks">Other key blocks kept per query block, ≥ 0.</param>
public sealed record GridPattern(int TopKBlocks)
{
    /// <summary>Throws when the count is negative.</summary>
    /// <exception cref="ArgumentOutOfRangeException">TopKBlocks is negative.</exception>
    public void Validate()
    {
        if (TopKBlocks < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(TopKBlocks), TopKBlocks, "grid top_k blocks must be >= 0");
        }
    }
}
