namespace MInference.Sparse.Patterns.Kinds;

/// <summary>The registry of pattern kinds: the one place that lists them.</summary>
internal static class PatternKinds
{
    /// <summary>Every kind, in the order error messages and the search list them.</summary>
    public static IReadOnlyList<PatternKind> All { get; } =
        [
            VerticalSlashKind.Instance, AShapeKind.Instance, BlockSparseKind.Instance, Multimodal.GridKind.Instance,
            Multimodal.BoundaryPatternKind.Query, Multimodal.BoundaryPatternKind.Key, Multimodal.BoundaryPatternKind.TwoD, DenseKind.Instance,
        ];

    /// <summary>The kind named <paramref name="jsonName"/> in a pattern file, or null.</summary>
    public static PatternKind? Find(string jsonName) => All.FirstOrDefault(kind => kind.JsonName == jsonName);
}
