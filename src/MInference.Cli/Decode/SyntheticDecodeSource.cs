using MInference.Decode;
using MInference.Synthetic;

namespace MInference.Cli.Decode;

/// <summary>The synthetic model with outlier channels; codebooks trained on another sequence of it (or loaded).</summary>
internal sealed class SyntheticDecodeSource(PqCodebooks? loaded, string? codebooksPath) : DecodeSource
{
    public override string Description => loaded is null
        ? "synthetic keys with outlier channels and RoPE; codebooks trained on another sequence of the same model"
        : $"synthetic keys with outlier channels and RoPE; codebooks from {codebooksPath}";

    public override DecodeTokens Tokens(DecodeSettings settings, int tokens)
    {
        OutlierKvData data = OutlierKvData.Generate(settings.Model(tokens, calibration: false));
        return new DecodeTokens(data.Q, data.K, data.V);
    }

    /// <summary>Trained on a calibration sequence that spans every position decoded (keys are quantized after RoPE).</summary>
    public override PqCodebooks Codebooks(DecodeSettings settings)
    {
        if (loaded is not null)
        {
            return loaded;
        }

        OutlierKvData calibration = OutlierKvData.Generate(settings.Model(settings.Lengths.Max() + settings.Steps, calibration: true));
        return PqCodebooks.Train([calibration.K], [calibration.V], settings.Codebooks);
    }
}
