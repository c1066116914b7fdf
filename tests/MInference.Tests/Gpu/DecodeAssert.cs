namespace MInference.Tests.Gpu;

/// <summary>What every PQ decode GPU test asserts of an output against the CPU reference.</summary>
internal static class DecodeAssert
{
    /// <summary>
    /// Finite everywhere, within <see cref="Tolerance.For"/> the dtype's max-abs and relative-L2
    /// tolerances, and the log-sum-exp within 2e-3 (−∞ exactly where the reference is −∞: an empty sequence).
    /// </summary>
    public static void MatchesReference(float[] output, float[] expected, float[] logSumExp, float[] expectedLogSumExp, DType dtype)
    {
        var errors = ErrorStatistics.Compare(output, expected);
        Tolerance tolerance = Tolerance.For(dtype);
        Assert.Multiple(() =>
        {
            Assert.That(output.All(float.IsFinite), Is.True, "every output element written and finite");
            Assert.That(errors.MaxAbsoluteError, Is.LessThanOrEqualTo(tolerance.MaxAbsoluteError), $"max-abs, tolerance {tolerance}");
            Assert.That(errors.RelativeL2Error, Is.LessThanOrEqualTo(tolerance.RelativeL2Error), $"rel-L2, tolerance {tolerance}");
            for (int i = 0; i < logSumExp.Length; i++)
            {
                Assert.That(logSumExp[i], float.IsNegativeInfinity(expectedLogSumExp[i]) ? Is.EqualTo(float.NegativeInfinity) : Is.EqualTo(expectedLogSumExp[i]).Within(2e-3), $"log-sum-exp {i}");
            }
        });
    }
}
