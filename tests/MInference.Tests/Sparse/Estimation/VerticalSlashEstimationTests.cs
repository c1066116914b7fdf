using MInference.Sparse.Estimation;
using MInference.Sparse.Patterns;
using MInference.Synthetic;

namespace MInference.Tests.Sparse.Estimation;

public sealed class VerticalSlashEstimationTests
{
    [Test]
    public void ScoresAHandComputedCase()
    {
        // N = 3, D = 1, scale 1: q = 1 everywhere and k = [0, ln 2, ln 3], so row i's softmax over keys
        // 0..i is proportional to [1, 2, 3][..i+1]: row 0 [1], row 1 [1/3, 2/3], row 2 [1/6, 2/6, 3/6].
        var q = new ReadOnlyHostTensor(new float[] { 1, 1, 1 }, TensorLayout.Bhsd(1, 1, 3, 1));
        var k = new ReadOnlyHostTensor(new[] { 0f, MathF.Log(2), MathF.Log(3) }, TensorLayout.Bhsd(1, 1, 3, 1));

        VerticalSlashEstimate estimate = VerticalSlashEstimation.Estimate(q, k, [0], new VerticalSlashPattern(1, 1), softmaxScale: 1);

        double third = 1.0 / 3, sixth = 1.0 / 6;
        double two = Math.Exp(MathF.Log(2)), three = Math.Exp(MathF.Log(3)); // the float-rounded logarithms
        double p11 = two / (1 + two), p21 = two / (1 + two + three), p22 = three / (1 + two + three);
        Assert.Multiple(() =>
        {
            Assert.That(estimate.GetVerticalScores(0, 0).ToArray(), Is.EqualTo(new[] { 1 + (1 - p11) + (1 - p21 - p22), p11 + p21, p22 }).Within(1e-12));
            Assert.That(estimate.GetVerticalScores(0, 0).ToArray(), Is.EqualTo(new[] { 1 + third + sixth, (2 * third) + (2 * sixth), 3 * sixth }).Within(1e-7));
            Assert.That(estimate.GetSlashScores(0, 0).ToArray(), Is.EqualTo(new[] { 1 + p11 + p22, (1 - p11) + p21, 1 - p21 - p22 }).Within(1e-12),
                "offset 0: p(0,0) + p(1,1) + p(2,2); offset 1: p(1,0) + p(2,1); offset 2: p(2,0)");
            Assert.That(estimate.Selection.GetVerticals(0, 0).ToArray(), Is.EqualTo(new[] { 0, 1, 2 }), "min(N, max(1, 30)) = 3 columns, ascending");
            Assert.That(estimate.Selection.GetSlashOffsets(0, 0).ToArray(), Is.EqualTo(new[] { 2, 1, 0 }), "3 offsets, descending");
        });
    }

    [TestCase(1)]
    [TestCase(63)]
    [TestCase(64)]
    [TestCase(65)]
    [TestCase(300)]
    public void ScoresSumTheLast64RowsOfTheCausalSoftmax(int length)
    {
        var operands = new SparseOperands(batch: 1, heads: 1, kvHeads: 1, length, headDim: 8, seed: length);
        VerticalSlashEstimate estimate = VerticalSlashEstimation.Estimate(operands.Q, operands.K, [0], new VerticalSlashPattern(1000, 1000));

        // Independently: the full causal probability matrix, then column and diagonal sums over the last rows.
        int lastQ = Math.Min(64, length);
        var vertical = new double[length];
        var slash = new double[length];
        for (int row = length - lastQ; row < length; row++)
        {
            double[] p = CausalProbabilities(operands, row);
            for (int key = 0; key <= row; key++)
            {
                vertical[key] += p[key];
                slash[row - key] += p[key];
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(estimate.GetVerticalScores(0, 0).ToArray(), Is.EqualTo(vertical).Within(1e-12));
            Assert.That(estimate.GetSlashScores(0, 0).ToArray(), Is.EqualTo(slash).Within(1e-12));
            Assert.That(estimate.GetVerticalScores(0, 0).ToArray().Sum(), Is.EqualTo(lastQ).Within(1e-9), "each row's probabilities sum to 1");
        });
    }

    [Test]
    public void KeepsTheForcedEntriesThenTheBestScores()
    {
        const int Length = 400;
        var operands = new SparseOperands(batch: 1, heads: 1, kvHeads: 1, Length, headDim: 16, seed: 5);
        var pattern = new VerticalSlashPattern(45, 130);
        VerticalSlashEstimate estimate = VerticalSlashEstimation.Estimate(operands.Q, operands.K, [0], pattern);

        double[] verticalScores = estimate.GetVerticalScores(0, 0).ToArray();
        double[] slashScores = estimate.GetSlashScores(0, 0).ToArray();
        int[] expectedVerticals = Enumerable.Range(0, 30)
            .Concat(Enumerable.Range(30, Length - 30).OrderByDescending(j => verticalScores[j]).ThenBy(j => j).Take(15))
            .Order().ToArray();
        int[] expectedSlashes = Enumerable.Range(0, 100)
            .Concat(Enumerable.Range(100, Length - 100).OrderByDescending(o => slashScores[o]).ThenBy(o => o).Take(30))
            .OrderDescending().ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(estimate.Selection.VerticalCount, Is.EqualTo(45));
            Assert.That(estimate.Selection.SlashCount, Is.EqualTo(130));
            Assert.That(estimate.Selection.GetVerticals(0, 0).ToArray(), Is.EqualTo(expectedVerticals));
            Assert.That(estimate.Selection.GetSlashOffsets(0, 0).ToArray(), Is.EqualTo(expectedSlashes));
        });
    }

    [Test]
    public void TiesGoToTheSmallerColumnAndTheSmallerOffset()
    {
        // q = 0: every visible key scores 0, so each row is uniform. Columns below N − 64 are seen by all
        // 64 rows equally (a tie), later columns by fewer; offset o is seen by the rows i >= o (decreasing).
        const int Length = 200;
        var q = new ReadOnlyHostTensor(new float[Length * 4], TensorLayout.Bhsd(1, 1, Length, 4));
        var operands = new SparseOperands(1, 1, 1, Length, 4, seed: 3);

        VerticalSlashEstimate estimate = VerticalSlashEstimation.Estimate(q, operands.K, [0], new VerticalSlashPattern(40, 60));

        Assert.Multiple(() =>
        {
            Assert.That(estimate.Selection.GetVerticals(0, 0).ToArray(), Is.EqualTo(Enumerable.Range(0, 40).ToArray()),
                "the 30 forced columns, then the tied columns 30..39 by smaller index");
            Assert.That(estimate.Selection.GetSlashOffsets(0, 0).ToArray(), Is.EqualTo(Enumerable.Range(0, 60).Reverse().ToArray()),
                "slash_size 60 < 100: the forced offsets (all +inf) tie, the smaller 60 win");
        });
    }

    [TestCase(10, 20, 1000, 30, 50)]
    [TestCase(1000, 6096, 4000, 1000, 4000)]
    [TestCase(1000, 6096, 20, 20, 20)]
    public void EffectiveSizesFollowMInference(int verticalSize, int slashSize, int length, int expectedVerticals, int expectedSlashes)
    {
        Assert.Multiple(() =>
        {
            Assert.That(VerticalSlashEstimation.EffectiveVerticalCount(verticalSize, length), Is.EqualTo(expectedVerticals));
            Assert.That(VerticalSlashEstimation.EffectiveSlashCount(slashSize, length), Is.EqualTo(expectedSlashes));
        });
    }

    [Test]
    public void AHeadListOverABatchWithGroupedKeyValueHeadsMatchesSingleHeadRuns()
    {
        // 4 query heads over 2 key/value heads, batch 2; heads [3, 1]: head 3 reads kv head 1, head 1 kv head 0.
        var operands = new SparseOperands(batch: 2, heads: 4, kvHeads: 2, length: 150, headDim: 8, seed: 21);
        var pattern = new VerticalSlashPattern(35, 60);
        VerticalSlashEstimate estimate = VerticalSlashEstimation.Estimate(operands.Q, operands.K, [3, 1], pattern);

        Assert.Multiple(() =>
        {
            Assert.That(estimate.Selection.Heads.ToArray(), Is.EqualTo(new[] { 3, 1 }));
            Assert.That(estimate.Selection.BatchSize, Is.EqualTo(2));
            foreach ((int batch, int slot, int head, int kvHead) in new[] { (0, 0, 3, 1), (0, 1, 1, 0), (1, 0, 3, 1), (1, 1, 1, 0) })
            {
                VerticalSlashEstimate single = VerticalSlashEstimation.Estimate(
                    Slice(operands.QValues, 4, batch, head, 150, 8), Slice(operands.KValues, 2, batch, kvHead, 150, 8), [0], pattern);
                Assert.That(estimate.GetVerticalScores(batch, slot).ToArray(), Is.EqualTo(single.GetVerticalScores(0, 0).ToArray()), $"batch {batch}, head {head}");
                Assert.That(estimate.Selection.GetVerticals(batch, slot).ToArray(), Is.EqualTo(single.Selection.GetVerticals(0, 0).ToArray()));
                Assert.That(estimate.Selection.GetSlashOffsets(batch, slot).ToArray(), Is.EqualTo(single.Selection.GetSlashOffsets(0, 0).ToArray()));
            }
        });
    }

    [Test]
    public void FindsThePlantedVerticalsAndDiagonals()
    {
        StructuredAttentionData data = StructuredAttentionData.Generate(new StructuredAttentionOptions
        {
            SequenceLength = 1024,
            Heads = 2,
            KvHeads = 1,
            HeadDim = 128,
            Seed = 1,
            SinkTokens = 4,
            LocalWindow = 32,
            DiagonalOffsets = [150, 517],
            VerticalPositions = [70, 450, 800],
        });

        // Beyond the forced columns 0..29 there is room for 3 verticals; beyond the forced offsets
        // 0..99, for 10 slashes (the sinks also light up offsets near N at the last rows).
        VerticalSlashEstimate estimate = VerticalSlashEstimation.Estimate(data.Q, data.K, [0, 1], new VerticalSlashPattern(33, 110));
        Assert.Multiple(() =>
        {
            for (int slot = 0; slot < 2; slot++)
            {
                Assert.That(estimate.Selection.GetVerticals(0, slot).ToArray()[30..], Is.EqualTo(new[] { 70, 450, 800 }), $"head {slot}");
                Assert.That(estimate.Selection.GetSlashOffsets(0, slot).ToArray(), Does.Contain(150).And.Contain(517), $"head {slot}");
            }
        });
    }

    [Test]
    public void BadArgumentsAreRejected()
    {
        var operands = new SparseOperands(1, 2, 1, 10, 4, seed: 1);
        var pattern = new VerticalSlashPattern(30, 50);
        var longerK = new ReadOnlyHostTensor(new float[44], TensorLayout.Bhsd(1, 1, 11, 4));
        Assert.Multiple(() =>
        {
            Assert.That(() => VerticalSlashEstimation.Estimate(operands.Q, longerK, [0], pattern),
                Throws.ArgumentException.With.Message.EqualTo("sparse prefill needs q_len == kv_len, but q has 10 rows and k has 11 (Parameter 'q')"));
            Assert.That(() => VerticalSlashEstimation.Estimate(operands.Q, operands.K, [], pattern),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("heads").And.Message.Contains("empty"));
            Assert.That(() => VerticalSlashEstimation.Estimate(operands.Q, operands.K, [1, 1], pattern),
                Throws.ArgumentException.With.Message.Contains("heads[1] = 1 repeats an earlier head"));
            Assert.That(() => VerticalSlashEstimation.Estimate(operands.Q, operands.K, [2], pattern),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("heads[0] = 2; expected a query head in [0, 2)"));
            Assert.That(() => VerticalSlashEstimation.Estimate(operands.Q, operands.K, [0], pattern, softmaxScale: 0),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("softmaxScale"));
            Assert.That(() => VerticalSlashEstimation.Estimate(operands.Q, operands.K, [0], null!), Throws.ArgumentNullException);
        });
    }

    /// <summary>p(row, j) for j &lt;= row at scale 1/sqrt(D) rounded to float (as every CPU reference uses it), computed directly.</summary>
    private static double[] CausalProbabilities(SparseOperands operands, int row)
    {
        int dim = operands.HeadDim;
        var scores = new double[row + 1];
        for (int key = 0; key <= row; key++)
        {
            double dot = 0;
            for (int d = 0; d < dim; d++)
            {
                dot += (double)operands.QValues[(row * dim) + d] * operands.KValues[(key * dim) + d];
            }

            scores[key] = dot * (float)(1 / Math.Sqrt(dim));
        }

        double max = scores.Max();
        double sum = scores.Sum(s => Math.Exp(s - max));
        return scores.Select(s => Math.Exp(s - max) / sum).ToArray();
    }

    /// <summary>One (batch, head) of a contiguous [B, H, N, D] array, as a [1, 1, N, D] tensor.</summary>
    internal static ReadOnlyHostTensor Slice(float[] values, int heads, int batch, int head, int length, int dim)
    {
        float[] slice = values.AsSpan(((batch * heads) + head) * length * dim, length * dim).ToArray();
        return new ReadOnlyHostTensor(slice, TensorLayout.Bhsd(1, 1, length, dim));
    }
}
