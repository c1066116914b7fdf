using MInference.Cli.Run;
using MInference.Evaluation;
using MInference.Decode;

namespace MInference.Cli.Decode;

/// <summary>
/// One layer of captured tensors (`run`'s layout: layers.{i}.q/k/v), sequence 0: the prompt and the
/// decoded steps are its first positions, each step decoded with that position's captured query.
/// Codebooks are loaded, or trained on the same tensors (in-sample: the report says so).
/// </summary>
internal sealed class CapturedDecodeSource : DecodeSource
{
    private readonly DecodeTokens _tokens;
    private readonly PqCodebooks? _loaded;
    private readonly string _description;

    public CapturedDecodeSource(CapturedTensors captured, int layer, PqCodebooks? loaded, string? codebooksPath)
    {
        if (layer < 0 || layer >= captured.Layers)
        {
            throw new ArgumentException($"--layer {layer}: {captured.Path} has layers 0 to {captured.Layers - 1}");
        }

        LayerInputs inputs = captured.ReadLayer(layer);
        _tokens = new DecodeTokens(FirstSequence(inputs.Q), FirstSequence(inputs.K), FirstSequence(inputs.V));
        _loaded = loaded;
        SequenceLength = captured.SequenceLength;
        _description = $"{captured.Path}, layer {layer}, sequence 0 ({captured.SequenceLength:N0} tokens); codebooks "
            + (loaded is null ? "trained on the same tensors (in-sample)" : $"from {codebooksPath}");
    }

    public int SequenceLength { get; }

    public override string Description => _description;

    public override DecodeTokens Tokens(DecodeSettings settings, int tokens) => _tokens;

    public override PqCodebooks Codebooks(DecodeSettings settings) =>
        _loaded ?? PqCodebooks.Train([_tokens.K], [_tokens.V], settings.Codebooks);

    /// <summary>Batch element 0 of a contiguous [B, heads, N, D] tensor, as [1, heads, N, D].</summary>
    private static ReadOnlyHostTensor FirstSequence(ReadOnlyHostTensor tensor)
    {
        ReadOnlySpan<nint> lengths = tensor.Layout.Lengths;
        var layout = TensorLayout.Bhsd(1, lengths[1], lengths[2], lengths[3]);
        return new ReadOnlyHostTensor(tensor.Data[..(int)layout.ElementCount], layout);
    }
}
