using MInference.Tests.Gpu;

namespace MInference.Tests.Fuzz;

/// <summary>Kernel rows against reference rows, within the GPU tests' <see cref="Tolerance"/>.</summary>
internal static class FuzzComparison
{
    /// <summary>
    /// Null when the output is finite and within <see cref="Tolerance.For"/> the case's dtype (and the
    /// log-sum-exp, when written, within <see cref="Tolerance.LogSumExpMaxAbsoluteError"/>); otherwise
    /// what is wrong. The bounds are the existing GPU tests' (justified in <see cref="Tolerance"/>):
    /// fuzzing changes the shapes and masks, not the arithmetic they bound. Rows seeing few keys have
    /// outputs near |v| ~ 1 (the bound's scale); long rows average many values into smaller outputs,
    /// whose errors shrink with them.
    /// </summary>
    public static string? Check(FuzzCase fuzzCase, FuzzRows actual, FuzzRows expected)
    {
        ErrorStatistics output = ErrorStatistics.Compare(actual.Output, expected.Output);
        Tolerance tolerance = Tolerance.For(fuzzCase.DType);
        var problems = new List<string>();
        if (output.NonFiniteCount > 0)
        {
            problems.Add($"{output.NonFiniteCount} non-finite outputs (rows left unwritten?)");
        }

        if (!output.IsWithin(tolerance.MaxAbsoluteError, tolerance.RelativeL2Error))
        {
            problems.Add($"output max-abs {output.MaxAbsoluteError:E3} rel-L2 {output.RelativeL2Error:E3} ({tolerance})");
        }

        if (fuzzCase.WithLogSumExp)
        {
            ErrorStatistics logSumExp = ErrorStatistics.Compare(actual.LogSumExp, expected.LogSumExp);
            if (logSumExp.NonFiniteCount > 0 || logSumExp.MaxAbsoluteError > Tolerance.LogSumExpMaxAbsoluteError)
            {
                problems.Add($"log-sum-exp max-abs {logSumExp.MaxAbsoluteError:E3} ({logSumExp.NonFiniteCount} non-finite; tolerance {Tolerance.LogSumExpMaxAbsoluteError:E1})");
            }
        }

        return problems.Count == 0 ? null : string.Join("; ", problems);
    }
}
