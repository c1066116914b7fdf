namespace MInference.Tests.Gpu;

/// <summary>
/// Checks a kernel that computed a subset of a layer's heads: on the compared rows the listed heads
/// match the reference within the dense tolerances (outputs and log-sum-exp), and every other head
/// kept its NaN poison.
/// </summary>
internal static class HeadSubsetAssert
{
    /// <param name="what">The case and seed, for messages.</param>
    /// <param name="dtype">The kernel's dtype (picks the tolerance).</param>
    /// <param name="layout">Layout of both outputs, [B, H, N, D].</param>
    /// <param name="listedHeads">The heads the kernel computed.</param>
    /// <param name="rows">The query rows the reference computed.</param>
    /// <param name="actual">Kernel output.</param>
    /// <param name="expected">Reference output.</param>
    /// <param name="logSumExp">Kernel log-sum-exp, [B, H, N].</param>
    /// <param name="expectedLogSumExp">Reference log-sum-exp.</param>
    public static void Matches(
        string what, DType dtype, TensorLayout layout, int[] listedHeads, int[] rows, float[] actual, float[] expected, float[] logSumExp, float[] expectedLogSumExp)
    {
        ReadOnlySpan<nint> lengths = layout.Lengths;
        TensorLayout logSumExpLayout = TensorLayout.Contiguous(lengths[0], lengths[1], lengths[2], 1);
        var comparison = RowComparison.Compare(actual, expected, layout, rows, listedHeads);
        var logSumExpComparison = RowComparison.Compare(logSumExp, expectedLogSumExp, logSumExpLayout, rows, listedHeads);
        int[] otherHeads = Enumerable.Range(0, (int)lengths[1]).Except(listedHeads).ToArray();
        long touchedElsewhere = CountFinite(actual, layout, otherHeads);
        Tolerance tolerance = Tolerance.For(dtype);
        string context = $"{what} ({rows.Length} rows/head): max-abs {comparison.Errors.MaxAbsoluteError:E3}, " +
            $"rel-L2 {comparison.Errors.RelativeL2Error:E3}, tolerance {tolerance}; worst element {comparison.WorstElement}";
        Assert.Multiple(() =>
        {
            Assert.That(comparison.Errors.NonFiniteCount, Is.Zero, $"{what}: listed heads have NaN/inf outputs (unwritten?)");
            Assert.That(comparison.Errors.MaxAbsoluteError, Is.LessThanOrEqualTo(tolerance.MaxAbsoluteError), context);
            Assert.That(comparison.Errors.RelativeL2Error, Is.LessThanOrEqualTo(tolerance.RelativeL2Error), context);
            Assert.That(
                logSumExpComparison.Errors.MaxAbsoluteError,
                Is.LessThanOrEqualTo(Tolerance.LogSumExpMaxAbsoluteError),
                $"{what}: log-sum-exp max-abs {logSumExpComparison.Errors.MaxAbsoluteError:E3}; worst {logSumExpComparison.WorstElement}");
            Assert.That(touchedElsewhere, Is.Zero, $"{what}: {touchedElsewhere} outputs of unlisted heads were written");
        });
    }

    private static long CountFinite(float[] values, TensorLayout layout, int[] heads)
    {
        long count = 0;
        ReadOnlySpan<nint> lengths = layout.Lengths;
        for (nint b = 0; b < lengths[0]; b++)
        {
            foreach (int h in heads)
            {
                for (nint row = 0; row < lengths[2]; row++)
                {
                    for (nint d = 0; d < lengths[3]; d++)
                    {
                        count += float.IsFinite(values[layout.GetOffset(b, h, row, d)]) ? 1 : 0;
                    }
                }
            }
        }

        return count;
    }
}
