using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;

namespace MInference.Evaluation;

/// <summary>One layer's inputs, loaded on a backend: run dense and sparse prefill on them as often as needed.</summary>
public interface IPrefillLayer : IDisposable
{
    /// <summary>The inputs.</summary>
    LayerInputs Inputs { get; }

    /// <summary>Dense causal attention of every head.</summary>
    /// <param name="timed">
    /// False when only the result is wanted (a search's reference): the GPU backend then runs once,
    /// without warm-up or timed repeats, and reports <see cref="double.NaN"/> milliseconds.
    /// </param>
    LayerRun Dense(bool timed = true);

    /// <summary>Sparse prefill, every head with its own pattern, under <paramref name="options"/>'s dense-fallback policy.</summary>
    /// <param name="headPatterns">One pattern per query head.</param>
    /// <param name="options">The fallback policy; <see cref="SparsePrefillOptions.MeasureStepTimes"/> is honoured where the backend can.</param>
    /// <param name="timed">As for <see cref="Dense"/>: false runs once, untimed on the GPU (a search's candidates).</param>
    /// <exception cref="ArgumentException">The pattern count is not the head count, or a pattern is null.</exception>
    LayerRun Sparse(IReadOnlyList<HeadPattern> headPatterns, SparsePrefillOptions options, bool timed = true);
}
