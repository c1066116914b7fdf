namespace MInference.Evaluation;

/// <summary>The rules <see cref="PatternSearch"/> picks each head's pattern by.</summary>
public sealed record PatternSearchOptions
{
    /// <summary>
    /// The cost budget: a candidate is eligible for a head only if its density on the sample (the
    /// fraction of the causal entries our kernels compute for it, counted on the index they ran) is
    /// at most this; in (0, 1].
    /// </summary>
    public double DensityBudget { get; init; } = 0.1;

    /// <summary>A head whose best eligible candidate has a larger relative L2 error than this stays dense; &gt; 0.</summary>
    public double MaxRelativeError { get; init; } = 0.05;

    /// <summary>
    /// Candidates whose error is within this of the best (absolute, in relative-L2 units) are equally
    /// good; among them the cheapest kind wins (A-shape needs no estimation, then block-sparse, then
    /// vertical-slash, then grid), then the lowest density; &gt;= 0.
    /// </summary>
    public double ErrorTolerance { get; init; } = 0.005;

    /// <summary>The sample's modality map (text and video segments), which grid candidates estimate with; null for a text prompt.</summary>
    public Multimodal.ModalityMap? Modalities { get; init; }

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (!(DensityBudget is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(DensityBudget), DensityBudget, $"DensityBudget = {DensityBudget}; expected a fraction in (0, 1]");
        }

        if (!(MaxRelativeError > 0) || !double.IsFinite(MaxRelativeError))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRelativeError), MaxRelativeError, $"MaxRelativeError = {MaxRelativeError}; expected a finite value > 0");
        }

        if (!(ErrorTolerance >= 0) || !double.IsFinite(ErrorTolerance))
        {
            throw new ArgumentOutOfRangeException(nameof(ErrorTolerance), ErrorTolerance, $"ErrorTolerance = {ErrorTolerance}; expected a finite value >= 0");
        }
    }
}
