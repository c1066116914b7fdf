namespace MInference.Multimodal;

/// <summary>How a boundary head splits its attention by modality (MMInference's head types).</summary>
public enum BoundaryKind
{
    /// <summary>Query rows of each modality follow their own pattern: a budget per query modality over all keys.</summary>
    Query = 0,

    /// <summary>The keys of each modality get their own budget, whatever the query.</summary>
    Key = 1,

    /// <summary>Every (query modality, key modality) sub-block gets its own budget.</summary>
    TwoD = 2,
}

/// <summary>
/// A boundary head's configuration. Tokens are grouped by modality (<see cref="ModalityOrder"/>;
/// the video group in grid order when the head shows a grid), and each 64-slot query block keeps
/// its diagonal block, the first reachable block of each key modality group, and the best blocks by
/// pooled score within the budgets the kind defines:
/// <list type="bullet">
/// <item><see cref="BoundaryKind.Query"/>: <see cref="FirstBlocks"/> over all keys for text query
/// blocks, <see cref="SecondBlocks"/> for video query blocks;</item>
/// <item><see cref="BoundaryKind.Key"/>: <see cref="FirstBlocks"/> within the text keys and
/// <see cref="SecondBlocks"/> within the video keys, for every query block;</item>
/// <item><see cref="BoundaryKind.TwoD"/>: <see cref="FirstBlocks"/> within the keys of the query
/// block's own modality, <see cref="SecondBlocks"/> within the other modality's keys.</item>
/// </list>
/// A query block's modality is its first slot's.
/// </summary>
/// <param name="Kind">Which budgets apply.</param>
/// <param name="FirstBlocks">First budget, ≥ 0 (see the kinds).</param>
/// <param name="SecondBlocks">Second budget, ≥ 0 (see the kinds).</param>
public sealed record BoundaryPattern(BoundaryKind Kind, int FirstBlocks, int SecondBlocks)
{
    /// <summary>Throws when a budget is negative or the kind undefined.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It is.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Kind))
        {
            throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "expected a boundary kind: Query, Key or TwoD");
        }

        if (FirstBlocks < 0 || SecondBlocks < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(FirstBlocks), $"budgets {FirstBlocks} and {SecondBlocks}; expected blocks >= 0");
        }
    }
}
