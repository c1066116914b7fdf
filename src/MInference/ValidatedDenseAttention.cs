namespace MInference;

/// <summary>A dense attention call that passed validation: its sizes and the resolved softmax scale.</summary>
internal readonly record struct ValidatedDenseAttention(AttentionShape Shape, float SoftmaxScale);
