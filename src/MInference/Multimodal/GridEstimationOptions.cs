namespace MInference.Multimodal;

/// <summary>Settings of <see cref="GridEstimation"/>.</summary>
public sealed record GridEstimationOptions
{
    /// <summary>Queries of the last-query approximation (the last L rows), ≥ 1.</summary>
    public int LastQueries { get; init; } = 64;

    /// <summary>
    /// Take the last <see cref="LastQueries"/> queries up to this modality's last token (the end of its
    /// last segment; the rows may reach into the tokens before a short segment) instead of the
    /// prompt's last tokens, or null for the prompt's last tokens. A Q-boundary head's video rows follow a grid its text rows do
    /// not show: a prompt that ends in text must be read from its video rows.
    /// </summary>
    public Modality? QueryModality { get; init; }

    /// <summary>Small strides searched beside the modality map's (2 … this), ≥ 1 (1: none).</summary>
    public int MaxSearchStride { get; init; } = 64;

    /// <summary>
    /// A smaller stride wins when its score is within this fraction of the best, in [0, 1). Multiples
    /// of the true stride score up to about 12 % higher on noisy heads (fewer, nearer samples), a
    /// half-stride about 60 % lower: 0.25 sits between.
    /// </summary>
    public double Tolerance { get; init; } = 0.25;

    /// <summary>Throws when a setting is out of range.</summary>
    internal void Validate()
    {
        if (LastQueries < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(LastQueries), LastQueries, "expected at least one last query");
        }

        if (MaxSearchStride < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSearchStride), MaxSearchStride, "expected a maximum search stride >= 1");
        }

        if (!(Tolerance >= 0 && Tolerance < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "expected a tolerance in [0, 1)");
        }
    }
}
