namespace MInference.Evaluation;

/// <summary>
/// Computes layers with the double-precision CPU references (<see cref="Sparse.References.SparsePrefillReference"/>'s
/// steps), in parallel over heads: the backend of machines without a GPU, and the definition the
/// GPU backend is tested against. Times are host wall-clock milliseconds of one run.
/// </summary>
public sealed class CpuPrefillBackend : IPrefillBackend
{
    /// <inheritdoc/>
    public string Description => $"CPU reference backend ({Environment.ProcessorCount} threads)";

    /// <inheritdoc/>
    public string TimingMethod => "host stopwatch, one run of the double-precision reference";

    /// <inheritdoc/>
    public IPrefillLayer Load(LayerInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return new CpuPrefillLayer(inputs);
    }

    /// <summary>Nothing to release.</summary>
    public void Dispose()
    {
    }
}
