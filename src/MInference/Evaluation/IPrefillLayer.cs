using MInference.Sparse;

namespace MInference.Evaluation;

/// <summary>One layer's inputs, loaded on a backend: run dense and sparse prefill on them as often as needed.</summary>
public interface IPrefillLayer : IDisposable
{
    /// <summary>The inputs.</summary>
    LayerInputs Inputs { get; }

    /// <summary>Dense causal attention of every head.</summary>
    LayerRun Dense();

    /// <summary>Sparse prefill, every head with its own pattern, under <paramref name="options"/>'s dense-fallback policy.</summary>
    /// <param name="headPatterns">One pattern per query head.</param>
    /// <param name="options">The fallback policy; <see cref="SparsePrefillOptions.MeasureStepTimes"/> is honoured where the backend can.</param>
    /// <exception cref="ArgumentException">The pattern count is not the head count, or a pattern is null.</exception>
    LayerRun Sparse(IReadOnlyList<HeadPattern> headPatterns, SparsePrefillOptions options);
}
