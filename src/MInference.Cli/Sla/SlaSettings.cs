using MInference.Sla;
using MInference.Synthetic;

namespace MInference.Cli.Sla;

/// <summary>What `sla` runs: the latent, the layer's sizes and SLA settings, the fitting, the picture and the backend.</summary>
/// <param name="Latent">Frames × height × width: the tokens.</param>
/// <param name="Batch">B.</param>
/// <param name="Heads">H.</param>
/// <param name="HeadDim">D.</param>
/// <param name="DType">The GPU's operand dtype (the CPU backend computes in double on fp32 inputs).</param>
/// <param name="Options">k_h, k_l, φ and the linear branch.</param>
/// <param name="FeatureMapName">φ as the command line spells it.</param>
/// <param name="LinearBranchName">The linear branch as the command line spells it.</param>
/// <param name="FitSteps">Adam steps on Proj (0: no fitting).</param>
/// <param name="LearningRate">Adam's step size.</param>
/// <param name="Seed">The data's seed.</param>
/// <param name="PlotPath">The PNG of one head's block classes, or null.</param>
/// <param name="PlotHead">The head drawn (batch 0).</param>
/// <param name="OnGpu">The GPU backend (else the CPU one).</param>
internal sealed record SlaSettings(
    LatentGeometry Latent, int Batch, int Heads, int HeadDim, DType DType, SlaOptions Options, string FeatureMapName, string LinearBranchName,
    int FitSteps, double LearningRate, int Seed, string? PlotPath, int PlotHead, bool OnGpu)
{
    /// <summary>N.</summary>
    public int SequenceLength => (int)Latent.Tokens;

    /// <summary>64-token blocks per head.</summary>
    public int Blocks => (SequenceLength + SlaOptions.BlockSize - 1) / SlaOptions.BlockSize;

    /// <summary>The generator's options for these sizes and seed.</summary>
    public VideoLatentOptions DataOptions => new(Latent.Frames, Latent.Height, Latent.Width, Batch, Heads, HeadDim, Seed);

    /// <summary>The dtype the run computes in, as the output names it.</summary>
    public string ComputeTypeName => OnGpu ? DTypeNames.ToShortName(DType) : "fp32 (double accumulation)";
}
