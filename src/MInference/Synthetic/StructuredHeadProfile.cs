namespace MInference.Synthetic;

/// <summary>
/// How strongly one query head of <see cref="StructuredAttentionData"/> attends to each planted
/// component: every weight multiplies that component's logits (weight 1 gives the default logits,
/// 0 removes the component from the head, 3 triples its logits). Keys carry every component, so the
/// query heads that share a key/value head can still differ: one head sink-and-local ("A-shape"),
/// another diagonal ("slash"), a third uniform (all weights 0, a head only dense attention serves).
/// </summary>
/// <param name="Sink">Weight of the attention sinks (the first SinkTokens keys).</param>
/// <param name="Vertical">Weight of the vertical keys.</param>
/// <param name="Local">Weight of the local band.</param>
/// <param name="Diagonal">Weight of the diagonals.</param>
public sealed record StructuredHeadProfile(double Sink, double Vertical, double Local, double Diagonal)
{
    /// <summary>Every component at its default logit.</summary>
    public static StructuredHeadProfile Default { get; } = new(1, 1, 1, 1);

    /// <summary>Throws when a weight is negative or not finite.</summary>
    internal void Validate(int head, string paramName)
    {
        foreach ((double weight, string name) in (ReadOnlySpan<(double, string)>)[(Sink, nameof(Sink)), (Vertical, nameof(Vertical)), (Local, nameof(Local)), (Diagonal, nameof(Diagonal))])
        {
            if (!double.IsFinite(weight) || weight < 0)
            {
                throw new ArgumentOutOfRangeException(
                    paramName, weight, $"options.HeadProfiles[{head}].{name} = {weight}; expected a finite weight >= 0");
            }
        }
    }
}
