using System.Collections.Concurrent;
using System.Diagnostics;
using MInference.Tests.Gpu;

namespace MInference.Tests.Fuzz;

/// <summary>
/// The fuzzer's GPU run: MI_FUZZ_CASES cases (default 1000) of <see cref="FuzzCaseGenerator"/>'s
/// GPU profile, each run through its public entry point on NaN-poisoned buffers and compared with
/// the CPU reference (<see cref="FuzzReference"/>). The device runs one case at a time; inputs and
/// references run in parallel over cases (the reference dominates: about a minute on 16 cores).
/// Every failing case is listed with its seed (MI_FUZZ_SEEDS=seed,... reruns just those).
/// </summary>
public sealed class FuzzGpuTests : GpuFixture
{
    public const int DefaultCases = 1000;

    [Test]
    public void FuzzedValidCasesMatchTheCpuReference()
    {
        FuzzCase[] cases = FuzzCaseGenerator.Cases(FuzzProfile.Gpu, FuzzCaseGenerator.CountFromEnvironment("MI_FUZZ_CASES", DefaultCases));
        var failures = new ConcurrentBag<(int Index, string Message)>();
        var device = new object();
        var deviceTime = new Stopwatch();
        var total = Stopwatch.StartNew();
        Parallel.For(0, cases.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, index =>
        {
            FuzzCase fuzzCase = cases[index];
            try
            {
                var inputs = FuzzInputs.Create(fuzzCase);
                FuzzGpuResult result;
                lock (device)
                {
                    deviceTime.Start();
                    result = FuzzGpuRun.Run(Context, fuzzCase, inputs);
                    deviceTime.Stop();
                }

                VisibleKeysOf keys = result.Report is { } report ? FuzzReference.Of(report) : FuzzReference.Of(fuzzCase);
                FuzzRows expected = FuzzReference.Compute(fuzzCase, inputs, keys);
                string? problem = FuzzComparison.Check(fuzzCase, FuzzReference.Gather(fuzzCase, result.OutputBits, result.LogSumExp), expected)
                    ?? UntouchedHeadsProblem(fuzzCase, result.OutputBits);
                if (problem is not null)
                {
                    failures.Add((index, $"{fuzzCase}{Environment.NewLine}    {problem}{(result.Report is { } r ? $"{Environment.NewLine}    {r.ToString().ReplaceLineEndings(" | ")}" : string.Empty)}"));
                }
            }
            catch (Exception exception)
            {
                failures.Add((index, $"{fuzzCase}{Environment.NewLine}    {exception.GetType().Name}: {exception.Message}"));
            }
        });
        total.Stop();

        TestContext.Out.WriteLine(
            $"{cases.Length} fuzzed cases ({Summary(cases)}) in {total.Elapsed.TotalSeconds:F1} s, {deviceTime.Elapsed.TotalSeconds:F1} s of it holding the device; " +
            $"{failures.Count} failed; master seed {FuzzCaseGenerator.MasterSeed}, head dims {string.Join("/", FuzzHeadDims.Supported)}");
        Assert.That(
            failures.OrderBy(failure => failure.Index).Select(failure => failure.Message),
            Is.Empty,
            $"{failures.Count} of {cases.Length} fuzzed cases failed; rerun one with MI_FUZZ_SEEDS=<seed> (seeds: {string.Join(",", failures.OrderBy(f => f.Index).Select(f => cases[f.Index].Seed))})");
    }

    /// <summary>Counts per operation, e.g. "412 Dense, 150 AShape, 438 Layer".</summary>
    internal static string Summary(FuzzCase[] cases) =>
        string.Join(", ", cases.GroupBy(c => c.Operation).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}"));

    /// <summary>An A-shape case on a head subset must leave the other heads' rows as poisoned (NaN bits).</summary>
    private static string? UntouchedHeadsProblem(FuzzCase fuzzCase, ushort[] outputBits)
    {
        const ushort Poison = 0xFFFF;
        int[] others = Enumerable.Range(0, fuzzCase.QHeads).Except(fuzzCase.ComputedHeads).ToArray();
        TensorLayout layout = fuzzCase.OutputLayout;
        for (int batch = 0; batch < fuzzCase.Batch; batch++)
        {
            foreach (int head in others)
            {
                foreach (int row in fuzzCase.CheckedRows)
                {
                    long start = fuzzCase.Layouts.Output.ElementOffset + layout.GetOffset(batch, head, row, 0);
                    if (outputBits.AsSpan((int)start, fuzzCase.HeadDim).ContainsAnyExcept(Poison))
                    {
                        return $"head {head} is not in the head list but its row {row} (batch {batch}) was written";
                    }
                }
            }
        }

        return null;
    }
}
