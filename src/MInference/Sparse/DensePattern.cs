namespace MInference.Sparse;

/// <summary>Dense causal attention (<c>"dense"</c>): query i sees every key j &lt;= i. All instances are equal.</summary>
public sealed record DensePattern : HeadPattern
{
    /// <summary>The JSON name, <c>"dense"</c>.</summary>
    public const string Name = "dense";

    /// <inheritdoc/>
    public override string JsonName => Name;

    internal override (int First, int Second) JsonSizes => (0, 0);

    /// <summary><c>dense</c>.</summary>
    public override string ToString() => Name;
}
