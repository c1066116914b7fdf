using MInference.Sparse.Estimation;
using MInference.Sparse.Indexes;
using MInference.Sparse.Patterns;
using MInference.Sparse.References;

namespace MInference.Tests.Sparse.References;

public sealed class SparseAttentionReferenceTests
{
    // Every reference computes a row exactly as CpuAttention.Dense does, so full coverage agrees to the bit.
    private const double FullCoverageAgreement = 1e-12;

    // Against the independent double-precision formulation, only the final rounding to float differs.
    private const double IndependentAgreement = 1e-5;

    [Test]
    public void AttendRowMatchesAHandComputedCase()
    {
        // Query [1, 0] over keys 0 and 2 of three (key 1 would dominate, but is not visible); scale 1:
        // scores [1, 0], softmax [e/(e+1), 1/(e+1)] = [0.7310586, 0.2689414]; values [1, 2] and [3, 4].
        var q = new ReadOnlyHostTensor(new float[] { 1, 0 }, TensorLayout.Bhsd(1, 1, 1, 2));
        var k = new ReadOnlyHostTensor(new float[] { 1, 0, 50, 50, 0, 0 }, TensorLayout.Bhsd(1, 1, 3, 2));
        var v = new ReadOnlyHostTensor(new float[] { 1, 2, 100, 100, 3, 4 }, TensorLayout.Bhsd(1, 1, 3, 2));
        var output = new double[2];

        double logSumExp = SparseAttentionReference.AttendRow(q, k, v, 0, 0, 0, [0, 2], output, softmaxScale: 1);

        double p0 = Math.E / (Math.E + 1);
        Assert.Multiple(() =>
        {
            Assert.That(output, Is.EqualTo(new[] { p0 + (3 * (1 - p0)), (2 * p0) + (4 * (1 - p0)) }).Within(1e-15));
            Assert.That(logSumExp, Is.EqualTo(Math.Log(Math.E + 1)).Within(1e-15));
        });
    }

    [Test]
    public void AttendRowRejectsBadKeySets()
    {
        var operands = new SparseOperands(1, 2, 1, 5, 4, seed: 1);
        var output = new double[4];
        Assert.Multiple(() =>
        {
            Assert.That(() => SparseAttentionReference.AttendRow(operands.Q, operands.K, operands.V, 0, 0, 0, [], output),
                Throws.ArgumentException.With.Message.Contains("no visible keys"));
            Assert.That(() => SparseAttentionReference.AttendRow(operands.Q, operands.K, operands.V, 0, 0, 0, [2, 2], output),
                Throws.ArgumentException.With.Message.Contains("visibleKeys[1] = 2 follows 2; expected strictly ascending keys"));
            Assert.That(() => SparseAttentionReference.AttendRow(operands.Q, operands.K, operands.V, 0, 0, 0, [5], output),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("visibleKeys"));
            Assert.That(() => SparseAttentionReference.AttendRow(operands.Q, operands.K, operands.V, 0, 2, 0, [0], output),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("head"));
            Assert.That(() => SparseAttentionReference.AttendRow(operands.Q, operands.K, operands.V, 0, 0, 0, [0], new double[3]),
                Throws.ArgumentException.With.Message.Contains("output holds 3 values; expected head_dim = 4"));
        });
    }

    [TestCase(1, 1, 2, 1)]
    [TestCase(63, 1, 2, 2)]
    [TestCase(64, 2, 2, 1)]
    [TestCase(65, 2, 4, 2)]
    [TestCase(1000, 1, 2, 1)]
    public void PatternsThatCoverEverythingEqualDenseCausalAttention(int length, int batch, int heads, int kvHeads)
    {
        var operands = new SparseOperands(batch, heads, kvHeads, length, headDim: 16, seed: length + heads);
        int[] allHeads = Enumerable.Range(0, heads).ToArray();
        (float[] denseOutput, float[] denseLogSumExp) = operands.DenseCausal();

        var verticalSlash = VerticalSlashIndexBuilder.Build(
            VerticalSlashEstimation.Estimate(operands.Q, operands.K, allHeads, new VerticalSlashPattern(length, length)).Selection);
        BlockSparseIndex blockSparse = BlockSparseEstimation.Estimate(operands.Q, operands.K, allHeads, new BlockSparsePattern(1000));
        var runs = new (string Name, Action<HostTensor, Memory<float>> Run)[]
        {
            ("vertical-slash", (o, l) => SparseAttentionReference.VerticalSlash(operands.Q, operands.K, operands.V, verticalSlash, o, l)),
            ("block-sparse", (o, l) => SparseAttentionReference.BlockSparse(operands.Q, operands.K, operands.V, blockSparse, o, l)),
            ("a-shape, wide window", (o, l) => SparseAttentionReference.AShape(operands.Q, operands.K, operands.V, allHeads, new AShapePattern(0, length), o, l)),
            ("a-shape, all sinks", (o, l) => SparseAttentionReference.AShape(operands.Q, operands.K, operands.V, allHeads, new AShapePattern(length, 1), o, l)),
            ("dense causal", (o, l) => SparseAttentionReference.DenseCausal(operands.Q, operands.K, operands.V, allHeads, o, l)),
        };

        Assert.Multiple(() =>
        {
            foreach ((string name, Action<HostTensor, Memory<float>> run) in runs)
            {
                (float[] output, float[] logSumExp) = operands.NaNBuffers();
                run(new HostTensor(output, operands.OutputLayout), logSumExp);
                Assert.That(output, Is.EqualTo(denseOutput).Within(FullCoverageAgreement), $"{name}: output");
                Assert.That(logSumExp, Is.EqualTo(denseLogSumExp).Within(FullCoverageAgreement), $"{name}: log-sum-exp");
            }
        });
    }

    [Test]
    public void VerticalSlashMatchesAnIndependentMask()
    {
        var operands = new SparseOperands(batch: 2, heads: 4, kvHeads: 2, length: 200, headDim: 8, seed: 31);
        int[] heads = [1, 2];
        var random = new Random(5);
        int[] verticals = Enumerable.Range(0, 4).SelectMany(_ => RandomAscending(random, 200, 6)).ToArray();
        int[] offsets = Enumerable.Range(0, 4).SelectMany(_ => RandomAscending(random, 199, 4).Select(o => o + 1).Append(0).OrderDescending()).ToArray();
        var index = VerticalSlashIndexBuilder.Build(new VerticalSlashSelection(200, 2, heads, 6, verticals, 5, offsets));
        (float[] output, float[] logSumExp) = operands.NaNBuffers();

        SparseAttentionReference.VerticalSlash(operands.Q, operands.K, operands.V, index, new HostTensor(output, operands.OutputLayout), logSumExp);

        MaskedNaiveAttention.AssertMatches(operands, heads, output, logSumExp, (batch, slot, row) =>
        {
            int[] blocks = index.GetBlockStarts(batch, slot, row / 64).ToArray();
            int[] columns = index.GetColumns(batch, slot, row / 64).ToArray();
            return key => key <= row && (columns.Contains(key) || blocks.Any(start => key >= start && key < start + 64));
        }, IndependentAgreement);
    }

    [Test]
    public void BlockSparseMatchesAnIndependentMask()
    {
        var operands = new SparseOperands(batch: 2, heads: 4, kvHeads: 1, length: 300, headDim: 8, seed: 32);
        int[] heads = [3, 0];
        BlockSparseIndex index = BlockSparseEstimation.Estimate(operands.Q, operands.K, heads, new BlockSparsePattern(3));
        (float[] output, float[] logSumExp) = operands.NaNBuffers();

        SparseAttentionReference.BlockSparse(operands.Q, operands.K, operands.V, index, new HostTensor(output, operands.OutputLayout), logSumExp);

        MaskedNaiveAttention.AssertMatches(operands, heads, output, logSumExp, (batch, slot, row) =>
        {
            int[] blocks = index.GetBlocks(batch, slot, row / 64).ToArray();
            return key => key <= row && blocks.Contains(key / 64);
        }, IndependentAgreement);
    }

    [Test]
    public void AShapeMatchesAnIndependentMask()
    {
        var operands = new SparseOperands(batch: 1, heads: 2, kvHeads: 2, length: 150, headDim: 8, seed: 33);
        (float[] output, float[] logSumExp) = operands.NaNBuffers();

        SparseAttentionReference.AShape(operands.Q, operands.K, operands.V, [0, 1], new AShapePattern(5, 20), new HostTensor(output, operands.OutputLayout), logSumExp);

        MaskedNaiveAttention.AssertMatches(operands, [0, 1], output, logSumExp,
            (_, _, row) => key => key <= row && (key < 5 || row - key < 20), IndependentAgreement);
    }

    [Test]
    public void SparsePatternsDifferFromDenseWhereTheyHideKeys()
    {
        var operands = new SparseOperands(1, 1, 1, 200, 8, seed: 34);
        (float[] dense, _) = operands.DenseCausal();
        (float[] aShape, _) = operands.NaNBuffers();
        SparseAttentionReference.AShape(operands.Q, operands.K, operands.V, [0], new AShapePattern(2, 3), new HostTensor(aShape, operands.OutputLayout));
        Assert.Multiple(() =>
        {
            Assert.That(aShape.AsSpan(0, 5 * 8).ToArray(), Is.EqualTo(dense.AsSpan(0, 5 * 8).ToArray()), "rows 0..4 see every causal key");
            Assert.That(aShape.AsSpan(150 * 8, 8).ToArray(), Is.Not.EqualTo(dense.AsSpan(150 * 8, 8).ToArray()), "row 150 sees 5 of 151 keys");
        });
    }

    [Test]
    public void OnlyTheSelectedRowsOfTheListedHeadsAreWritten()
    {
        var operands = new SparseOperands(batch: 2, heads: 3, kvHeads: 1, length: 130, headDim: 4, seed: 35);
        int[] rows = [129, 0, 64, 64, 63];
        (float[] full, float[] fullLogSumExp) = operands.NaNBuffers();
        (float[] partial, float[] partialLogSumExp) = operands.NaNBuffers();
        var pattern = new AShapePattern(4, 30);

        SparseAttentionReference.AShape(operands.Q, operands.K, operands.V, [2, 0], pattern, new HostTensor(full, operands.OutputLayout), fullLogSumExp);
        SparseAttentionReference.AShape(operands.Q, operands.K, operands.V, [2, 0], pattern, new HostTensor(partial, operands.OutputLayout), partialLogSumExp,
            new SparseReferenceOptions { QueryRows = rows });

        Assert.Multiple(() =>
        {
            for (int i = 0; i < partialLogSumExp.Length; i++)
            {
                int head = i / 130 % 3;
                int row = i % 130;
                bool written = head != 1 && rows.Contains(row);
                Assert.That(partialLogSumExp[i], written ? Is.EqualTo(fullLogSumExp[i]) : Is.NaN, $"head {head}, row {row}");
                Assert.That(partial.AsSpan(i * 4, 4).ToArray(), written ? Is.EqualTo(full.AsSpan(i * 4, 4).ToArray()) : Is.All.NaN, $"head {head}, row {row}");
            }
        });
    }

    [Test]
    public void StridedOperandsGiveTheSameResultAsContiguousOnes()
    {
        var operands = new SparseOperands(batch: 2, heads: 2, kvHeads: 1, length: 70, headDim: 4, seed: 36);
        BlockSparseIndex index = BlockSparseEstimation.Estimate(operands.Q, operands.K, [0, 1], new BlockSparsePattern(1));
        (float[] contiguous, _) = operands.NaNBuffers();
        SparseAttentionReference.BlockSparse(operands.Q, operands.K, operands.V, index, new HostTensor(contiguous, operands.OutputLayout));

        TensorLayout qBshd = TensorLayout.Bshd(2, 70, 2, 4);
        TensorLayout kvBshd = TensorLayout.Bshd(2, 70, 1, 4);
        var strided = new float[contiguous.Length];
        SparseAttentionReference.BlockSparse(
            new ReadOnlyHostTensor(Permute(operands.QValues, operands.Q.Layout, qBshd), qBshd),
            new ReadOnlyHostTensor(Permute(operands.KValues, operands.K.Layout, kvBshd), kvBshd),
            new ReadOnlyHostTensor(Permute(operands.VValues, operands.V.Layout, kvBshd), kvBshd),
            index, new HostTensor(strided, qBshd));

        Assert.That(Permute(strided, qBshd, operands.OutputLayout), Is.EqualTo(contiguous));
    }

    [Test]
    public void BadArgumentsAreRejected()
    {
        var operands = new SparseOperands(1, 2, 1, 100, 4, seed: 37);
        BlockSparseIndex index = BlockSparseEstimation.Estimate(operands.Q, operands.K, [0], new BlockSparsePattern(2));
        var other = new SparseOperands(2, 2, 1, 100, 4, seed: 38);
        BlockSparseIndex otherBatch = BlockSparseEstimation.Estimate(other.Q, other.K, [0], new BlockSparsePattern(2));
        var output = new HostTensor(new float[operands.OutputLength], operands.OutputLayout);
        Assert.Multiple(() =>
        {
            Assert.That(() => SparseAttentionReference.BlockSparse(operands.Q, operands.K, operands.V, otherBatch, output),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("index").And.Message.Contains("covers N = 100, batch 2; expected N = 100, batch 1"));
            Assert.That(() => SparseAttentionReference.BlockSparse(operands.Q, operands.K, operands.V, index, output, new float[199]),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("logSumExp"));
            Assert.That(() => SparseAttentionReference.BlockSparse(operands.Q, operands.K, operands.V, index, output, default,
                new SparseReferenceOptions { QueryRows = new[] { 100 } }),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("options.QueryRows holds 100; expected rows in [0, 100)"));
            Assert.That(() => SparseAttentionReference.DenseCausal(operands.Q, operands.K, operands.V, [0],
                new HostTensor(operands.QValues, operands.OutputLayout)), Throws.ArgumentException.With.Property("ParamName").EqualTo("output"));
            Assert.That(() => SparseAttentionReference.DenseCausal(operands.Q, operands.K, operands.V, [0], output, default,
                new SparseReferenceOptions { SoftmaxScale = float.NaN }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("options"));
            Assert.That(() => SparseAttentionReference.AShape(operands.Q, operands.K, operands.V, [5], new AShapePattern(1, 1), output),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("heads"));
        });
    }

    private static IEnumerable<int> RandomAscending(Random random, int range, int count) =>
        Enumerable.Range(0, range).OrderBy(_ => random.Next()).Take(count).Order();

    private static float[] Permute(float[] source, TensorLayout from, TensorLayout to)
    {
        var result = new float[source.Length];
        ReadOnlySpan<nint> lengths = from.Lengths;
        for (nint b = 0; b < lengths[0]; b++)
        {
            for (nint h = 0; h < lengths[1]; h++)
            {
                for (nint s = 0; s < lengths[2]; s++)
                {
                    for (nint d = 0; d < lengths[3]; d++)
                    {
                        result[to.GetOffset(b, h, s, d)] = source[from.GetOffset(b, h, s, d)];
                    }
                }
            }
        }

        return result;
    }
}
