using MInference.Tests.Support;

namespace MInference.Tests.Cpu;

public sealed class CpuAttentionTests
{
    // Both sides accumulate in double; only the final rounding to float differs.
    private const float ReferenceAgreement = 1e-5f;

    [Test]
    public void MatchesAHandComputedCase()
    {
        // One query [1, 0]; keys [1, 0] and [0, 0]; scale 1: scores [1, 0], softmax
        // [e/(e+1), 1/(e+1)] = [0.7310586, 0.2689414]; values [1, 2] and [3, 4].
        float[] q = [1, 0];
        float[] k = [1, 0, 0, 0];
        float[] v = [1, 2, 3, 4];
        var output = new float[2];
        var logSumExp = new float[1];

        CpuAttention.Dense(
            new ReadOnlyHostTensor(q, TensorLayout.Bhsd(1, 1, 1, 2)),
            new ReadOnlyHostTensor(k, TensorLayout.Bhsd(1, 1, 2, 2)),
            new ReadOnlyHostTensor(v, TensorLayout.Bhsd(1, 1, 2, 2)),
            new HostTensor(output, TensorLayout.Bhsd(1, 1, 1, 2)),
            new DenseAttentionOptions { SoftmaxScale = 1 },
            logSumExp);

        Assert.Multiple(() =>
        {
            Assert.That(output[0], Is.EqualTo(1.5378828f).Within(1e-6f), "0.7310586 * 1 + 0.2689414 * 3");
            Assert.That(output[1], Is.EqualTo(2.5378828f).Within(1e-6f), "0.7310586 * 2 + 0.2689414 * 4");
            Assert.That(logSumExp[0], Is.EqualTo(1.3132617f).Within(1e-6f), "ln(e + 1)");
        });
    }

    [TestCase(false, new[] { 2f, 2f }, Description = "every row sees all 3 keys")]
    [TestCase(true, new[] { 1.5f, 2f }, Description = "row 0 sees keys 0..1, row 1 (the last) sees all")]
    public void CausalMaskIsAlignedBottomRight(bool causal, float[] expected)
    {
        // q_len 2 < kv_len 3; all scores 0, so each row averages the values it sees: 1, 2, 3.
        var output = new float[2];
        var logSumExp = new float[2];
        CpuAttention.Dense(
            new ReadOnlyHostTensor(new float[2], TensorLayout.Bhsd(1, 1, 2, 1)),
            new ReadOnlyHostTensor(new float[3], TensorLayout.Bhsd(1, 1, 3, 1)),
            new ReadOnlyHostTensor(new float[] { 1, 2, 3 }, TensorLayout.Bhsd(1, 1, 3, 1)),
            new HostTensor(output, TensorLayout.Bhsd(1, 1, 2, 1)),
            new DenseAttentionOptions { Causal = causal },
            logSumExp);

        float[] expectedLogSumExp = causal ? [MathF.Log(2), MathF.Log(3)] : [MathF.Log(3), MathF.Log(3)];
        Assert.Multiple(() =>
        {
            Assert.That(output, Is.EqualTo(expected).Within(1e-6f));
            Assert.That(logSumExp, Is.EqualTo(expectedLogSumExp).Within(1e-6f), "log of the number of visible keys");
        });
    }

    [Test]
    public void QueryHeadsShareKeyValueHeadsInOrder()
    {
        // 6 query heads over 3 key/value heads: heads 0-1 read kv head 0, 2-3 kv head 1, 4-5 kv head 2.
        // Each kv head's values are constant (g + 1), so whatever the softmax, head h outputs h / 2 + 1.
        const int QHeads = 6, KvHeads = 3, Seq = 5, Dim = 4;
        float[] values = Enumerable.Range(0, KvHeads * Seq * Dim).Select(i => (float)((i / (Seq * Dim)) + 1)).ToArray();
        var output = new float[QHeads * Seq * Dim];
        CpuAttention.Dense(
            new ReadOnlyHostTensor(RandomValues.Normal(QHeads * Seq * Dim, seed: 1), TensorLayout.Bhsd(1, QHeads, Seq, Dim)),
            new ReadOnlyHostTensor(RandomValues.Normal(KvHeads * Seq * Dim, seed: 2), TensorLayout.Bhsd(1, KvHeads, Seq, Dim)),
            new ReadOnlyHostTensor(values, TensorLayout.Bhsd(1, KvHeads, Seq, Dim)),
            new HostTensor(output, TensorLayout.Bhsd(1, QHeads, Seq, Dim)));

        float[] expected = Enumerable.Range(0, output.Length).Select(i => (float)((i / (Seq * Dim) / 2) + 1)).ToArray();
        Assert.That(output, Is.EqualTo(expected).Within(1e-6f));
    }

    [TestCase(1, 4, 4, 7, 7, 8, false)]
    [TestCase(1, 4, 4, 7, 7, 8, true)]
    [TestCase(2, 8, 2, 5, 19, 16, true, Description = "GQA, q_len < kv_len")]
    [TestCase(2, 8, 1, 5, 19, 16, false, Description = "MQA, q_len < kv_len")]
    [TestCase(1, 2, 1, 1, 33, 3, true, Description = "single query row sees every key")]
    [TestCase(3, 3, 3, 17, 17, 5, true)]
    public void MatchesAnIndependentFormulation(int batch, int qHeads, int kvHeads, int qLen, int kvLen, int headDim, bool causal)
    {
        int seed = RandomValues.StableSeed(TestContext.CurrentContext.Test.Name);
        float[] q = RandomValues.Normal(batch * qHeads * qLen * headDim, seed);
        float[] k = RandomValues.Normal(batch * kvHeads * kvLen * headDim, seed + 1);
        float[] v = RandomValues.Normal(batch * kvHeads * kvLen * headDim, seed + 2);
        var output = new float[q.Length];
        var logSumExp = new float[batch * qHeads * qLen];

        CpuAttention.Dense(
            new ReadOnlyHostTensor(q, TensorLayout.Bhsd(batch, qHeads, qLen, headDim)),
            new ReadOnlyHostTensor(k, TensorLayout.Bhsd(batch, kvHeads, kvLen, headDim)),
            new ReadOnlyHostTensor(v, TensorLayout.Bhsd(batch, kvHeads, kvLen, headDim)),
            new HostTensor(output, TensorLayout.Bhsd(batch, qHeads, qLen, headDim)),
            new DenseAttentionOptions { Causal = causal },
            logSumExp);

        (float[] expectedOutput, float[] expectedLogSumExp) = NaiveAttention.Compute(
            q, k, v, batch, qHeads, kvHeads, qLen, kvLen, headDim, causal, scale: 1 / Math.Sqrt(headDim));
        Assert.Multiple(() =>
        {
            Assert.That(output, Is.EqualTo(expectedOutput).Within(ReferenceAgreement));
            Assert.That(logSumExp, Is.EqualTo(expectedLogSumExp).Within(ReferenceAgreement));
        });
    }

    [Test]
    public void ExplicitScaleIsApplied()
    {
        const int Seq = 9, Dim = 4;
        float[] q = RandomValues.Normal(Seq * Dim, seed: 3);
        float[] k = RandomValues.Normal(Seq * Dim, seed: 4);
        float[] v = RandomValues.Normal(Seq * Dim, seed: 5);
        var output = new float[q.Length];
        var logSumExp = new float[Seq];
        TensorLayout layout = TensorLayout.Bhsd(1, 1, Seq, Dim);

        CpuAttention.Dense(
            new ReadOnlyHostTensor(q, layout), new ReadOnlyHostTensor(k, layout), new ReadOnlyHostTensor(v, layout), new HostTensor(output, layout),
            new DenseAttentionOptions { SoftmaxScale = 2.5f },
            logSumExp);

        (float[] expectedOutput, float[] expectedLogSumExp) = NaiveAttention.Compute(q, k, v, 1, 1, 1, Seq, Seq, Dim, causal: false, scale: 2.5);
        Assert.Multiple(() =>
        {
            Assert.That(output, Is.EqualTo(expectedOutput).Within(ReferenceAgreement));
            Assert.That(logSumExp, Is.EqualTo(expectedLogSumExp).Within(ReferenceAgreement));
        });
    }

    [Test]
    public void StridedBshdOperandsGiveTheSameResultAsContiguousOnes()
    {
        const int Batch = 2, QHeads = 4, KvHeads = 2, Seq = 6, Dim = 8;
        float[] q = RandomValues.Normal(Batch * QHeads * Seq * Dim, seed: 6);
        float[] k = RandomValues.Normal(Batch * KvHeads * Seq * Dim, seed: 7);
        float[] v = RandomValues.Normal(Batch * KvHeads * Seq * Dim, seed: 8);
        var options = new DenseAttentionOptions { Causal = true };

        var contiguousOutput = new float[q.Length];
        CpuAttention.Dense(
            new ReadOnlyHostTensor(q, TensorLayout.Bhsd(Batch, QHeads, Seq, Dim)),
            new ReadOnlyHostTensor(k, TensorLayout.Bhsd(Batch, KvHeads, Seq, Dim)),
            new ReadOnlyHostTensor(v, TensorLayout.Bhsd(Batch, KvHeads, Seq, Dim)),
            new HostTensor(contiguousOutput, TensorLayout.Bhsd(Batch, QHeads, Seq, Dim)),
            options);

        TensorLayout qBshd = TensorLayout.Bshd(Batch, Seq, QHeads, Dim);
        TensorLayout kvBshd = TensorLayout.Bshd(Batch, Seq, KvHeads, Dim);
        var bshdOutput = new float[q.Length];
        CpuAttention.Dense(
            new ReadOnlyHostTensor(Permute(q, TensorLayout.Bhsd(Batch, QHeads, Seq, Dim), qBshd), qBshd),
            new ReadOnlyHostTensor(Permute(k, TensorLayout.Bhsd(Batch, KvHeads, Seq, Dim), kvBshd), kvBshd),
            new ReadOnlyHostTensor(Permute(v, TensorLayout.Bhsd(Batch, KvHeads, Seq, Dim), kvBshd), kvBshd),
            new HostTensor(bshdOutput, qBshd),
            options);

        Assert.That(Permute(bshdOutput, qBshd, TensorLayout.Bhsd(Batch, QHeads, Seq, Dim)), Is.EqualTo(contiguousOutput));
    }

    [Test]
    public void DenseRowsWritesOnlyTheSelectedRows()
    {
        const int Heads = 2, Seq = 10, Dim = 4;
        TensorLayout layout = TensorLayout.Bhsd(1, Heads, Seq, Dim);
        var q = new ReadOnlyHostTensor(RandomValues.Normal(Heads * Seq * Dim, seed: 9), layout);
        var k = new ReadOnlyHostTensor(RandomValues.Normal(Heads * Seq * Dim, seed: 10), layout);
        var v = new ReadOnlyHostTensor(RandomValues.Normal(Heads * Seq * Dim, seed: 11), layout);
        var options = new DenseAttentionOptions { Causal = true };
        var full = new float[Heads * Seq * Dim];
        var fullLogSumExp = new float[Heads * Seq];
        CpuAttention.Dense(q, k, v, new HostTensor(full, layout), options, fullLogSumExp);

        int[] rows = [9, 0, 4];
        float[] partial = Enumerable.Repeat(float.NaN, full.Length).ToArray();
        float[] partialLogSumExp = Enumerable.Repeat(float.NaN, fullLogSumExp.Length).ToArray();
        CpuAttention.DenseRows(q, k, v, rows, new HostTensor(partial, layout), options, partialLogSumExp);

        Assert.Multiple(() =>
        {
            for (int i = 0; i < full.Length; i++)
            {
                int row = i / Dim % Seq;
                Assert.That(partial[i], rows.Contains(row) ? Is.EqualTo(full[i]) : Is.NaN, $"element {i} (row {row})");
            }

            for (int i = 0; i < fullLogSumExp.Length; i++)
            {
                Assert.That(partialLogSumExp[i], rows.Contains(i % Seq) ? Is.EqualTo(fullLogSumExp[i]) : Is.NaN, $"log-sum-exp {i}");
            }
        });
    }

    [Test]
    public void BadArgumentsAreRejected()
    {
        TensorLayout layout = TensorLayout.Bhsd(1, 1, 4, 8);
        float[] shared = new float[32];
        var input = new ReadOnlyHostTensor(shared, layout);
        var output = new HostTensor(new float[32], layout);
        Assert.Multiple(() =>
        {
            Assert.That(() => new HostTensor(new float[31], layout), Throws.ArgumentException.With.Property("ParamName").EqualTo("data"));
            Assert.That(() => CpuAttention.Dense(input, input, input, new HostTensor(shared, layout)),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("output"), "output aliases the inputs");
            Assert.That(() => CpuAttention.Dense(input, input, input, output, default, new float[3]),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("logSumExp"), "log-sum-exp too short");
            Assert.That(() => CpuAttention.DenseRows(input, input, input, [4], output),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("queryRows"));
            Assert.That(() => CpuAttention.Dense(input, input, input, output, new DenseAttentionOptions { SoftmaxScale = -1 }),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("options"));
            Assert.That(() => CpuAttention.Dense(input, new ReadOnlyHostTensor(shared, TensorLayout.Bhsd(1, 1, 2, 8)), input, output),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("v"), "k and v shapes differ");
        });
    }

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
