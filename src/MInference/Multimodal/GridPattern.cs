namespace MInference.Multimodal;

/// <summary>
/// A grid head's configuration: after the online stride/phase estimate and the permutation, each
/// 64-row block of permuted queries keeps min(<see cref="KeptBlocks"/>, blocks) key blocks, in tiers:
/// its diagonal block (every query sees its own key), then the blocks of the vertical-line class
/// (the first ClassSize(0) permuted keys), then the others, by pooled score within a tier; key
/// blocks wholly after the query block in original positions come last (they compute nothing and
/// fill rows that reach fewer blocks than the budget). A fixed row length lets the device size the
/// index before it knows the stride.
/// </summary>
/// <param name="KeptBlocks">Key blocks kept per query block, ≥ 1.</param>
public sealed record GridPattern(int KeptBlocks)
{
    /// <summary>Throws when the count is below 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">KeptBlocks is below 1.</exception>
    public void Validate()
    {
        if (KeptBlocks < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(KeptBlocks), KeptBlocks, "grid kept blocks must be >= 1");
        }
    }
}
