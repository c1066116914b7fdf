using MInference.Decode;

namespace MInference.Cli.Decode;

/// <summary>Where `decode` gets its tokens and codebooks: the synthetic model, or one layer of captured tensors.</summary>
internal abstract class DecodeSource
{
    /// <summary>One line for the report: what the data is and where the codebooks come from.</summary>
    public abstract string Description { get; }

    /// <summary>Queries [1, H, N, D], keys and values [1, Hkv, N, D] with N ≥ <paramref name="tokens"/>; positions 0 … tokens − 1 are used.</summary>
    public abstract DecodeTokens Tokens(DecodeSettings settings, int tokens);

    /// <summary>Codebooks whose layer <see cref="DecodeSettings.CodebookLayer"/> encodes this data.</summary>
    public abstract PqCodebooks Codebooks(DecodeSettings settings);
}

/// <summary>Queries, keys and values of one sequence, [1, heads, N, D] with the last dimension contiguous.</summary>
internal sealed record DecodeTokens(ReadOnlyHostTensor Q, ReadOnlyHostTensor K, ReadOnlyHostTensor V);
