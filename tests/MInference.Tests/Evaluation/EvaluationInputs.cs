using MInference.Evaluation;

namespace MInference.Tests.Evaluation;

/// <summary>Small layers for the evaluation tests: the synthetic model's first layer.</summary>
internal static class EvaluationInputs
{
    public static LayerInputs Layer(int sequenceLength = 256, int heads = 4, int kvHeads = 2) =>
        new MInference.Cli.Prefill.SyntheticModel(1, heads, kvHeads, 64, DType.BFloat16, Seed: 3).GenerateLayer(0, sequenceLength);
}
