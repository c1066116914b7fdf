using MInference.Tests.Gpu;

namespace MInference.Tests.Sla;

/// <summary>Comparisons of SLA GPU results with the CPU reference.</summary>
internal static class SlaGpuAssert
{
    /// <summary>
    /// <paramref name="actual"/> (a [B, H, N, D] tensor in <paramref name="layout"/>) is finite and
    /// within <paramref name="relativeL2"/> of the per-head reference results <paramref name="perHead"/>
    /// ([N, D] each, at batch · H + head), over every element.
    /// </summary>
    public static void Close(string name, float[] actual, IEnumerable<double[]> perHead, TensorLayout layout, double relativeL2, object testCase)
    {
        float[] expected = SlaGpuOperands.Scatter([.. perHead], layout);
        var comparison = RowComparison.Compare(actual, expected, layout, [.. Enumerable.Range(0, (int)layout.Lengths[2])]);
        Assert.That(comparison.Errors.NonFiniteCount, Is.Zero, $"{testCase}: {name} has {comparison.Errors.NonFiniteCount} NaN/inf values (unwritten?)");
        Assert.That(
            comparison.Errors.RelativeL2Error,
            Is.LessThanOrEqualTo(relativeL2),
            $"{testCase}: {name} rel-L2 {comparison.Errors.RelativeL2Error:E3} > {relativeL2:E1} (max-abs {comparison.Errors.MaxAbsoluteError:E3}); worst {comparison.WorstElement}");
    }

    /// <summary>As <see cref="Close"/>, with the largest absolute difference bounded by <paramref name="maxAbsolute"/> instead of a relative error.</summary>
    public static void Near(string name, float[] actual, IEnumerable<double[]> perHead, TensorLayout layout, double maxAbsolute, object testCase)
    {
        float[] expected = SlaGpuOperands.Scatter([.. perHead], layout);
        var comparison = RowComparison.Compare(actual, expected, layout, [.. Enumerable.Range(0, (int)layout.Lengths[2])]);
        Assert.That(comparison.Errors.NonFiniteCount, Is.Zero, $"{testCase}: {name} has {comparison.Errors.NonFiniteCount} NaN/inf values (unwritten?)");
        Assert.That(
            comparison.Errors.MaxAbsoluteError,
            Is.LessThanOrEqualTo(maxAbsolute),
            $"{testCase}: {name} max-abs {comparison.Errors.MaxAbsoluteError:E3} > {maxAbsolute:E2}; worst {comparison.WorstElement}");
    }
}
