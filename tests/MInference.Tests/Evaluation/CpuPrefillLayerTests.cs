using MInference.Evaluation;
using MInference.Prefill;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;
using MInference.Sparse.References;

namespace MInference.Tests.Evaluation;

public sealed class CpuPrefillLayerTests
{
    private static readonly SparsePrefillOptions s_noFallback = new() { CostModel = PrefillCostModel.SparseAlways, MaxDensity = 1 };

    [Test]
    public void DensePatternsAndFullWindowsReproduceTheDenseRunBitForBit()
    {
        LayerInputs inputs = EvaluationInputs.Layer();
        using IPrefillLayer layer = new CpuPrefillBackend().Load(inputs);
        LayerRun dense = layer.Dense();
        LayerRun sparse = layer.Sparse([new DensePattern(), new AShapePattern(0, 256), new DensePattern(), new AShapePattern(4, 1024)], s_noFallback);
        Assert.Multiple(() =>
        {
            Assert.That(sparse.Output, Is.EqualTo(dense.Output));
            Assert.That(sparse.LogSumExp, Is.EqualTo(dense.LogSumExp));
            Assert.That(sparse.Heads.Select(head => head.Density), Is.All.EqualTo(1.0));
            Assert.That(sparse.Heads.Select(head => head.Fallback), Is.All.Null);
            Assert.That(dense.Heads.Select(head => head.RanDense), Is.All.True);
        });
    }

    [Test]
    public void ThePolicyMakesSparseHeadsFallBackWithTheReason()
    {
        LayerInputs inputs = EvaluationInputs.Layer();
        using IPrefillLayer layer = new CpuPrefillBackend().Load(inputs);
        HeadPattern[] patterns = [new AShapePattern(4, 64), new VerticalSlashPattern(30, 64), new BlockSparsePattern(2), new DensePattern()];
        LayerRun dense = layer.Dense();
        LayerRun tooDense = layer.Sparse(patterns, new SparsePrefillOptions { CostModel = PrefillCostModel.SparseAlways, MaxDensity = 0 });
        LayerRun tooShort = layer.Sparse(patterns, new SparsePrefillOptions { MinSequenceLength = 257 });
        Assert.Multiple(() =>
        {
            Assert.That(tooDense.Output, Is.EqualTo(dense.Output));
            Assert.That(tooShort.Output, Is.EqualTo(dense.Output));
            Assert.That(tooDense.Heads.Take(3).Select(head => head.Fallback), Is.All.EqualTo(DenseFallbackReason.DensityAboveLimit));
            Assert.That(tooShort.Heads.Take(3).Select(head => head.Fallback), Is.All.EqualTo(DenseFallbackReason.ShortSequence));
            Assert.That(tooShort.Heads[3].Fallback, Is.Null, "a dense head is not a fallback");
            Assert.That(tooDense.Heads[0].Description, Does.StartWith("dense (DensityAboveLimit fallback from stream_llm(4, 64))"));
        });
    }

    [Test]
    public void SparseHeadsReportTheirExactDensityAndMask()
    {
        LayerInputs inputs = EvaluationInputs.Layer();
        using IPrefillLayer layer = new CpuPrefillBackend().Load(inputs);
        var aShape = new AShapePattern(4, 64);
        LayerRun run = layer.Sparse([aShape, aShape, new BlockSparsePattern(2), new VerticalSlashPattern(30, 64)], s_noFallback);
        double expected = SparseDensity.AShapeEntries(256, aShape) / (double)SparseDensity.CausalEntries(256);
        Assert.Multiple(() =>
        {
            Assert.That(run.Heads[0].Density, Is.EqualTo(expected));
            Assert.That(run.Heads[0].VisibleKeysOfFirstSequence(200), Is.EqualTo(VisibleKeys.AShape(aShape)(200)));
            for (int head = 2; head < 4; head++)
            {
                long counted = Enumerable.Range(0, 256).Sum(row => (long)run.Heads[head].VisibleKeysOfFirstSequence(row).Length);
                Assert.That(run.Heads[head].Density, Is.EqualTo(counted / (double)SparseDensity.CausalEntries(256)).Within(1e-12), $"head {head}: density = visible entries / causal entries");
            }
        });
    }

    [Test]
    public void RoundedInputsHoldDTypeValues()
    {
        var q = new ReadOnlyHostTensor(new[] { 1.00390625f, 0.1f, -3.3f, 7.77f }, TensorLayout.Bhsd(1, 1, 1, 4));
        LayerInputs inputs = LayerInputs.RoundedTo(DType.BFloat16, q, q, q);
        float[] rounded = inputs.Q.Data.ToArray();
        Assert.That(rounded.Select(value => HalfPrecision.FromBFloat16(HalfPrecision.ToBFloat16(value))), Is.EqualTo(rounded));
        Assert.That(() => LayerInputs.RoundedTo(DType.Float32, q, q, q), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
