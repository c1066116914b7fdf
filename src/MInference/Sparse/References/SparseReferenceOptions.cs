namespace MInference.Sparse.References;

/// <summary>Options of the sparse attention references in <see cref="SparseAttentionReference"/>.</summary>
public readonly record struct SparseReferenceOptions
{
    /// <summary>Multiplies q · k before the softmax; finite and &gt; 0, or null for 1/sqrt(head_dim).</summary>
    public float? SoftmaxScale { get; init; }

    /// <summary>
    /// The query rows to compute, in [0, N) (order and repeats do not matter), or null for all rows:
    /// lets tests check a sample of a long sequence. Other rows of the output are left untouched.
    /// </summary>
    public ReadOnlyMemory<int>? QueryRows { get; init; }

    /// <summary>
    /// The prompt's modality map (text and video segments), which MMInference's grid heads take their
    /// candidate strides from; null: the prompt is all text (only the search over small strides).
    /// </summary>
    public Multimodal.ModalityMap? Modalities { get; init; }
}
