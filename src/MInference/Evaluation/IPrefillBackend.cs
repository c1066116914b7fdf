namespace MInference.Evaluation;

/// <summary>
/// Where layers are computed: the CUDA kernels (<see cref="GpuPrefillBackend"/>) or the CPU
/// references (<see cref="CpuPrefillBackend"/>). The demo, run and search commands work on either.
/// </summary>
public interface IPrefillBackend : IDisposable
{
    /// <summary>For example "GPU 0: NVIDIA H100 80GB HBM3 (sm_90)" or "CPU reference (16 threads)".</summary>
    string Description { get; }

    /// <summary>How <see cref="LayerRun.Milliseconds"/> is measured, for reports.</summary>
    string TimingMethod { get; }

    /// <summary>Makes a layer's inputs ready to run (uploads them, on the GPU).</summary>
    /// <exception cref="NotSupportedException">The backend has no kernel for the layer's dtype or head_dim.</exception>
    IPrefillLayer Load(LayerInputs inputs);
}
