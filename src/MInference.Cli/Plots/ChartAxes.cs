namespace MInference.Cli.Plots;

/// <summary>The axis captions of a <see cref="LineChart"/> and an optional dashed reference line.</summary>
/// <param name="XLabel">Caption under the x axis (sequence or context length).</param>
/// <param name="YLabel">Caption beside the y axis.</param>
/// <param name="ReferenceValue">y of a dashed horizontal line, or null for none.</param>
/// <param name="ReferenceLabel">The text at the right end of the reference line.</param>
internal sealed record ChartAxes(string XLabel, string YLabel, double? ReferenceValue = null, string ReferenceLabel = "")
{
    /// <summary>Attention speedup over dense, with dense at 1×.</summary>
    public static ChartAxes SpeedupVsDense { get; } = new("sequence length (tokens)", "attention speedup vs dense (×)", 1, "dense");
}
