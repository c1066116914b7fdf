using System.Collections.Concurrent;
using System.Diagnostics;
using MInference.Evaluation;
using MInference.Sparse.Estimation;
using MInference.Sparse.Indexes;
using MInference.Sparse.Patterns;
using MInference.Sparse.References;
using MInference.Tests.Gpu;

namespace MInference.Tests.Fuzz;

/// <summary>
/// The fuzzer's CPU-only slice for CI: the same generator under short sequences (every row checked),
/// the CPU paths against <see cref="FuzzNaive"/>: <see cref="CpuAttention.Dense"/> on strided
/// operands, the GPU run's own reference (<see cref="FuzzReference"/>) for A-shape cases, and the
/// CPU prefill backend (the plan's steps on the CPU) for layers; plus the managed validation
/// accepting every case the GPU run draws.
/// </summary>
public sealed class FuzzCpuSliceTests
{
    public const int DefaultCases = 300;

    /// <summary>Both sides accumulate in double; the outputs are stored as float (2⁻²⁴ relative), so 1e-5 on O(1) values is loose and still catches any wrong key.</summary>
    private const double FloatTolerance = 1e-5;

    [Test]
    public void FuzzedCasesOnTheCpuPathsMatchANaiveReference()
    {
        FuzzCase[] cases = FuzzCaseGenerator.Cases(FuzzProfile.CpuSlice, FuzzCaseGenerator.CountFromEnvironment("MI_FUZZ_CPU_CASES", DefaultCases));
        var failures = new ConcurrentBag<(int Index, string Message)>();
        var stopwatch = Stopwatch.StartNew();
        Parallel.For(0, cases.Length, index =>
        {
            FuzzCase fuzzCase = cases[index];
            try
            {
                FuzzValidation.Validate(fuzzCase);
                string? problem = fuzzCase.Operation switch
                {
                    FuzzOperation.Dense => CheckDense(fuzzCase),
                    FuzzOperation.AShape => CheckAShape(fuzzCase),
                    _ => CheckLayer(fuzzCase),
                };
                if (problem is not null)
                {
                    failures.Add((index, $"{fuzzCase}{Environment.NewLine}    {problem}"));
                }
            }
            catch (Exception exception)
            {
                failures.Add((index, $"{fuzzCase}{Environment.NewLine}    {exception.GetType().Name}: {exception.Message}"));
            }
        });
        stopwatch.Stop();

        TestContext.Out.WriteLine($"{cases.Length} CPU-slice cases ({FuzzGpuTests.Summary(cases)}) in {stopwatch.Elapsed.TotalSeconds:F1} s; {failures.Count} failed");
        Assert.That(failures.OrderBy(f => f.Index).Select(f => f.Message), Is.Empty, "rerun one with MI_FUZZ_SEEDS=<seed>");
    }

    [Test]
    public void TheManagedValidationAcceptsEveryCaseOfTheGpuRun()
    {
        FuzzCase[] cases = FuzzCaseGenerator.Cases(FuzzProfile.Gpu, FuzzGpuTests.DefaultCases);
        var rejected = new List<string>();
        foreach (FuzzCase fuzzCase in cases)
        {
            try
            {
                FuzzValidation.Validate(fuzzCase);
            }
            catch (Exception exception) when (exception is ArgumentException or NotSupportedException or InvalidOperationException)
            {
                rejected.Add($"{fuzzCase}: {exception.Message}");
            }
        }

        Assert.That(rejected, Is.Empty);
    }

    [Test]
    public void TheGpuRunCoversEveryDimensionOfTheBrief()
    {
        FuzzCase[] cases = FuzzCaseGenerator.Cases(FuzzProfile.Gpu, FuzzGpuTests.DefaultCases);
        FuzzCase[] layers = cases.Where(c => c.Operation == FuzzOperation.Layer).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(cases, Has.Length.EqualTo(FuzzGpuTests.DefaultCases));
            Assert.That(cases.Select(c => c.Batch).Distinct(), Is.EquivalentTo(new[] { 1, 2, 3 }), "batch 1-3");
            Assert.That(cases.Select(c => c.QHeads / c.KvHeads).Distinct(), Is.EquivalentTo(new[] { 1, 2, 4, 8 }), "head ratios");
            Assert.That(cases.Select(c => c.HeadDim).Distinct(), Is.EquivalentTo(FuzzHeadDims.Supported), "every supported head_dim");
            Assert.That(cases.Select(c => c.DType).Distinct(), Is.EquivalentTo(new[] { DType.BFloat16, DType.Float16 }), "both dtypes");
            Assert.That(cases.SelectMany(c => new[] { c.Layouts.Q.Order, c.Layouts.Output.Order }).Distinct(), Is.EquivalentTo(new[] { MemoryOrder.Bhsd, MemoryOrder.Bshd }), "both orders");
            Assert.That(cases.Count(c => c.KeyLength % 2 == 1), Is.GreaterThan(100), "odd lengths");
            Assert.That(cases.Count(c => c.KeyLength == 1), Is.GreaterThan(0), "N = 1");
            Assert.That(cases.Count(c => c.KeyLength > 16384), Is.GreaterThan(5), "N beyond 16K");
            Assert.That(cases.Count(c => c.Causal && c.QueryLength < c.KeyLength), Is.GreaterThan(50), "bottom-right causal, q_len < kv_len");
            Assert.That(cases.Count(c => c.QueryLength > c.KeyLength), Is.GreaterThan(10), "non-causal q_len > kv_len");
            Assert.That(cases.Count(c => c.Layouts.Q.RowPadding > 0 || c.Layouts.Q.ElementOffset > 0), Is.GreaterThan(50), "padded and offset views");
            Assert.That(cases.Count(c => c.WithLogSumExp), Is.GreaterThan(300), "log-sum-exp");
            Assert.That(cases.Count(c => c.Operation == FuzzOperation.AShape && c.Heads.Length > 0), Is.GreaterThan(30), "A-shape head subsets");
            Assert.That(
                layers.SelectMany(c => c.Patterns.Select(p => p.JsonName)).Distinct(),
                Is.EquivalentTo(new[] { DensePattern.Name, AShapePattern.Name, BlockSparsePattern.Name, VerticalSlashPattern.Name }),
                "every pattern kind in the layers");
            Assert.That(layers.Count(c => c.Patterns.Distinct().Count() > 1), Is.GreaterThan(100), "mixed layers");
            Assert.That(layers.Count(c => c.Runs == 2), Is.GreaterThan(30), "graph replays");
        });
    }

    private static string? CheckDense(FuzzCase fuzzCase)
    {
        var inputs = FuzzInputs.Create(fuzzCase);
        TensorLayout layout = fuzzCase.OutputLayout;
        var output = new float[fuzzCase.Layouts.Output.BufferElements(layout)];
        var logSumExp = new float[(long)fuzzCase.Batch * fuzzCase.QHeads * fuzzCase.QueryLength];
        CpuAttention.Dense(
            inputs.Q, inputs.K, inputs.V, new HostTensor(output.AsMemory(fuzzCase.Layouts.Output.ElementOffset), layout),
            new DenseAttentionOptions { Causal = fuzzCase.Causal, SoftmaxScale = fuzzCase.SoftmaxScale }, logSumExp);
        int shift = fuzzCase.KeyLength - fuzzCase.QueryLength;
        return Compare(
            fuzzCase, inputs.Q, inputs.K, inputs.V, FuzzReference.Gather(fuzzCase, output, logSumExp), (_, _, row) => key => !fuzzCase.Causal || key <= row + shift, _ => 0);
    }

    private static string? CheckAShape(FuzzCase fuzzCase)
    {
        var inputs = FuzzInputs.Create(fuzzCase);
        FuzzRows rows = FuzzReference.Compute(fuzzCase, inputs, FuzzReference.Of(fuzzCase));
        AShapeOptions aShape = fuzzCase.AShape!.Value;
        int shift = fuzzCase.KeyLength - fuzzCase.QueryLength;
        return Compare(
            fuzzCase, inputs.Q, inputs.K, inputs.V, rows,
            (_, _, row) => key => key <= row + shift && (key < aShape.SinkTokens || key > row + shift - aShape.LocalWindow),
            _ => 0);
    }

    /// <summary>
    /// The CPU backend's layer (on contiguous copies of the operands) against each head as the run
    /// says it ran: dense causal, A-shape, or its pattern over an index estimated for that head
    /// alone. The backend rounds its outputs to the dtype as the kernels store them, so each may be
    /// off by the rounding: u·|o| (u = 2⁻⁸ bf16, 2⁻¹¹ fp16) on top of <see cref="FloatTolerance"/>.
    /// </summary>
    private static string? CheckLayer(FuzzCase fuzzCase)
    {
        var inputs = FuzzInputs.Create(fuzzCase);
        ReadOnlyHostTensor q = FuzzInputs.Contiguous(inputs.Q), k = FuzzInputs.Contiguous(inputs.K), v = FuzzInputs.Contiguous(inputs.V);
        using var backend = new CpuPrefillBackend();
        using IPrefillLayer layer = backend.Load(LayerInputs.RoundedTo(fuzzCase.DType, q, k, v));
        LayerRun run = layer.Sparse(fuzzCase.Patterns, fuzzCase.Options!);
        var keysOf = new Func<int, int[]>[fuzzCase.Batch, fuzzCase.QHeads];
        for (int head = 0; head < fuzzCase.QHeads; head++)
        {
            HeadRun ran = run.Heads[head];
            for (int batch = 0; batch < fuzzCase.Batch; batch++)
            {
                keysOf[batch, head] = ran.RanDense ? VisibleKeys.DenseCausal : ran.Pattern switch
                {
                    AShapePattern aShape => VisibleKeys.AShape(aShape),
                    VerticalSlashPattern verticalSlash => VisibleKeys.VerticalSlash(
                        VerticalSlashIndexBuilder.Build(VerticalSlashEstimation.Estimate(q, k, [head], verticalSlash).Selection), batch, 0),
                    BlockSparsePattern blockSparse => VisibleKeys.BlockSparse(BlockSparseEstimation.Estimate(q, k, [head], blockSparse), batch, 0),
                    _ => throw new InvalidOperationException($"head {head}: {ran.Description}"),
                };
            }
        }

        FuzzOperandLayout packed = FuzzOperandLayout.Packed(MemoryOrder.Bhsd);
        FuzzCase contiguous = fuzzCase with { Layouts = new FuzzLayouts(packed, packed, packed, packed) };
        double unit = fuzzCase.DType == DType.BFloat16 ? Math.ScaleB(1, -8) : Math.ScaleB(1, -11);
        return Compare(
            contiguous, q, k, v, FuzzReference.Gather(contiguous, run.Output, run.LogSumExp),
            (batch, head, row) => keysOf[batch, head](row).Contains, expected => unit * Math.Abs(expected));
    }

    /// <summary>
    /// Every checked row of <paramref name="actual"/> against <see cref="FuzzNaive"/> under the mask
    /// <paramref name="visible"/>(batch, head, row): outputs within <see cref="FloatTolerance"/> plus
    /// <paramref name="rounding"/>(expected), log-sum-exp within <see cref="FloatTolerance"/>.
    /// </summary>
    private static string? Compare(
        FuzzCase fuzzCase, ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v, FuzzRows actual,
        Func<int, int, int, Func<int, bool>> visible, Func<double, double> rounding)
    {
        double scale = fuzzCase.SoftmaxScale ?? (float)(1.0 / Math.Sqrt(fuzzCase.HeadDim));
        int dim = fuzzCase.HeadDim;
        long slot = 0;
        for (int batch = 0; batch < fuzzCase.Batch; batch++)
        {
            foreach (int head in fuzzCase.ComputedHeads)
            {
                foreach (int row in fuzzCase.CheckedRows)
                {
                    (double[] output, double logSumExp) = FuzzNaive.Row(q, k, v, batch, head, row, visible(batch, head, row), scale);
                    for (int d = 0; d < dim; d++)
                    {
                        double error = Math.Abs(actual.Output[(slot * dim) + d] - output[d]);
                        if (!(error <= FloatTolerance + rounding(output[d])))
                        {
                            return $"output [{batch}, {head}, {row}, {d}] = {actual.Output[(slot * dim) + d]}, naive {output[d]}";
                        }
                    }

                    if (!(Math.Abs(actual.LogSumExp[slot] - logSumExp) <= FloatTolerance))
                    {
                        return $"log-sum-exp [{batch}, {head}, {row}] = {actual.LogSumExp[slot]}, naive {logSumExp}";
                    }

                    slot++;
                }
            }
        }

        return null;
    }
}
