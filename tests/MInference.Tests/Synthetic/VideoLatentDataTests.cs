using MInference.Sla;
using MInference.Synthetic;

namespace MInference.Tests.Synthetic;

public sealed class VideoLatentDataTests
{
    private static VideoLatentOptions Options(int seed = 1) => new(Frames: 4, Height: 8, Width: 8, BatchSize: 2, Heads: 2, HeadDim: 64, Seed: seed);

    [Test]
    public void EqualOptionsGiveBitIdenticalTensorsAndSeedsDiffer()
    {
        VideoLatentData first = VideoLatentData.Generate(Options());
        VideoLatentData again = VideoLatentData.Generate(Options());
        VideoLatentData other = VideoLatentData.Generate(Options(seed: 2));
        Assert.Multiple(() =>
        {
            Assert.That(first.Q.Layout.Lengths.ToArray(), Is.EqualTo(new nint[] { 2, 2, 256, 64 }));
            Assert.That(first.Q.Data.ToArray(), Is.EqualTo(again.Q.Data.ToArray()));
            Assert.That(first.K.Data.ToArray(), Is.EqualTo(again.K.Data.ToArray()));
            Assert.That(first.V.Data.ToArray(), Is.EqualTo(again.V.Data.ToArray()));
            Assert.That(first.Q.Data.ToArray(), Is.Not.EqualTo(other.Q.Data.ToArray()));
            Assert.That(first.V.Data.ToArray(), Is.Not.EqualTo(other.V.Data.ToArray()));
            Assert.That(first.Q.Data.ToArray().All(float.IsFinite));
        });
    }

    [Test]
    public void AttentionMassStaysNearInSpaceAndTimeUnlikeRandomData()
    {
        VideoLatentData data = VideoLatentData.Generate(Options());
        var randomQ = new float[data.Q.Data.Length];
        var randomK = new float[randomQ.Length];
        StandardNormal.Fill(new Random(7), randomQ);
        StandardNormal.Fill(new Random(8), randomK);
        for (int head = 0; head < 2; head++)
        {
            double structured = NeighbourhoodMass(data.Q, data.K, head);
            double unstructured = NeighbourhoodMass(new ReadOnlyHostTensor(randomQ, data.Q.Layout), new ReadOnlyHostTensor(randomK, data.K.Layout), head);
            TestContext.Out.WriteLine($"head {head}: mass within one frame and one pixel {structured:P1}, random data {unstructured:P1}");
            Assert.That(structured, Is.GreaterThan(0.5).And.GreaterThan(3 * unstructured), $"head {head}");
        }
    }

    [Test]
    public void SlaCriticalBlocksLieOnAndNearTheDiagonal()
    {
        VideoLatentData data = VideoLatentData.Generate(Options());
        int n = 256, d = 64;
        double[] Head(ReadOnlyHostTensor tensor) => [.. tensor.Data.Span[..(n * d)].ToArray().Select(value => (double)value)];
        var mask = SlaBlockMask.Predict(new SlaHead(Head(data.Q), Head(data.K), Head(data.V), n, d), new SlaOptions { CriticalFraction = 0.25 });
        Assert.That(Enumerable.Range(0, mask.QueryBlocks).Select(block => mask[block, block]), Is.All.EqualTo(SlaBlockClass.Critical), "every block keeps itself");
    }

    /// <summary>The mean softmax mass a row of head <paramref name="head"/> (batch 0) puts on keys within one frame and one latent pixel of it (27 of 256 at most).</summary>
    private static double NeighbourhoodMass(ReadOnlyHostTensor q, ReadOnlyHostTensor k, int head)
    {
        const int frames = 4, height = 8, width = 8, n = frames * height * width, d = 64;
        ReadOnlySpan<float> queries = q.Data.Span.Slice(head * n * d, n * d), keys = k.Data.Span.Slice(head * n * d, n * d);
        var scores = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            double max = double.NegativeInfinity, sum = 0, near = 0;
            for (int j = 0; j < n; j++)
            {
                double dot = 0;
                for (int c = 0; c < d; c++)
                {
                    dot += queries[(i * d) + c] * keys[(j * d) + c];
                }

                scores[j] = dot / Math.Sqrt(d);
                max = Math.Max(max, scores[j]);
            }

            for (int j = 0; j < n; j++)
            {
                double weight = Math.Exp(scores[j] - max);
                sum += weight;
                bool isNear = Math.Abs((i / 64) - (j / 64)) <= 1 && Math.Abs((i / 8 % 8) - (j / 8 % 8)) <= 1 && Math.Abs((i % 8) - (j % 8)) <= 1;
                near += isNear ? weight : 0;
            }

            total += near / sum;
        }

        return total / n;
    }
}
