using MInference.Decode;
using MInference.Tests.Support;

namespace MInference.Tests.Decode;

public sealed class PqCodebookTrainingTests
{
    private const int HeadDim = 64;

    [Test]
    public void PlantedCentroidsAreRecovered()
    {
        // Every 2-dim sub-vector is one of 256 grid points (16 × 16, spacing 10) plus N(0, 0.05²) noise;
        // 4096 tokens put about 16 points near each grid point. k-means++ seeds the clusters (an uncovered
        // cluster weighs ~100² against ~0.05² for a covered one), so each trained centroid lands within
        // 4 noise deviations of the mean of its ~16 points: 0.1 of its grid point is ample.
        const int Tokens = 4096;
        var random = new Random(11);
        float[] noise = RandomValues.Normal(Tokens * HeadDim, seed: 12);
        var keys = new float[Tokens * HeadDim];
        for (int i = 0; i < keys.Length; i += 2)
        {
            int cell = random.Next(256);
            keys[i] = (10 * (cell % 16)) + (0.05f * noise[i]);
            keys[i + 1] = (10 * (cell / 16)) + (0.05f * noise[i + 1]);
        }

        PqCodebooks codebooks = Train(keys, Tokens, new PqCodebookOptions { Subspaces = 32, Iterations = 5, SampleTokens = Tokens });

        PqCodebook trained = codebooks.Keys(0, 0);
        for (int m = 0; m < trained.Subspaces; m += 7)
        {
            var found = new HashSet<int>();
            for (int c = 0; c < 256; c++)
            {
                ReadOnlySpan<float> centroid = trained.Centroid(m, c);
                int x = (int)Math.Round(centroid[0] / 10), y = (int)Math.Round(centroid[1] / 10);
                Assert.That(Math.Abs(centroid[0] - (10 * x)) + Math.Abs(centroid[1] - (10 * y)), Is.LessThan(0.1), $"subspace {m}, centroid {c}");
                found.Add((y * 16) + x);
            }

            Assert.That(found, Has.Count.EqualTo(256), $"subspace {m}: every grid point has its own centroid");
        }
    }

    [Test]
    public void TrainingIsDeterministicGivenTheSeed()
    {
        float[] keys = RandomValues.Normal(512 * HeadDim, seed: 3);
        var options = new PqCodebookOptions { Subspaces = 64, Iterations = 3, SampleTokens = 300, Seed = 7 };

        float[] first = Train(keys, 512, options).Values(0, 0).CentroidValues.ToArray();
        float[] second = Train(keys, 512, options).Values(0, 0).CentroidValues.ToArray();
        float[] otherSeed = Train(keys, 512, options with { Seed = 8 }).Values(0, 0).CentroidValues.ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(second, Is.EqualTo(first), "same seed, same data: bit-identical (parallel subspaces included)");
            Assert.That(otherSeed, Is.Not.EqualTo(first), "another seed samples and initialises differently");
        });
    }

    [Test]
    public void FewerDistinctPointsThanCentroidsStillGiveExactCodes()
    {
        // Only 10 distinct vectors among 300 tokens: most clusters start on duplicates and empty ones are
        // re-seeded every iteration. Training still ends, deterministically, and each of the 10 points has a
        // centroid exactly on it (distance 0).
        const int Tokens = 300;
        float[] distinct = RandomValues.Normal(10 * HeadDim, seed: 4);
        var keys = new float[Tokens * HeadDim];
        for (int t = 0; t < Tokens; t++)
        {
            distinct.AsSpan((t % 10) * HeadDim, HeadDim).CopyTo(keys.AsSpan(t * HeadDim));
        }

        var options = new PqCodebookOptions { Subspaces = 32, Iterations = 4, SampleTokens = Tokens };
        PqCodebook codebook = Train(keys, Tokens, options).Keys(0, 0);
        var codes = new byte[10 * 32];
        var reconstructed = new float[10 * HeadDim];
        PqEncoder.Encode(codebook, distinct, codes);
        codebook.Reconstruct(codes, reconstructed);

        Assert.Multiple(() =>
        {
            Assert.That(reconstructed, Is.EqualTo(distinct));
            Assert.That(Train(keys, Tokens, options).Keys(0, 0).CentroidValues.ToArray(), Is.EqualTo(codebook.CentroidValues.ToArray()));
        });
    }

    [Test]
    public void GranularityDecidesHowManyCodebooksThereAre()
    {
        // Two layers, two kv heads, 256 tokens each: per head every codebook sees its own 256 tokens.
        float[] data = RandomValues.Normal(2 * 256 * HeadDim, seed: 9);
        var layer = new ReadOnlyHostTensor(data, TensorLayout.Bhsd(1, 2, 256, HeadDim));
        var options = new PqCodebookOptions { Subspaces = 32, Iterations = 1 };

        PqCodebooks perHead = PqCodebooks.Train([layer, layer], [layer, layer], options);
        PqCodebooks shared = PqCodebooks.Train([layer, layer], [layer, layer], options with { Granularity = PqCodebookGranularity.Shared });

        Assert.Multiple(() =>
        {
            Assert.That(perHead.Keys(1, 1), Is.Not.SameAs(perHead.Keys(0, 1)));
            Assert.That(perHead.Keys(0, 0).CentroidValues.ToArray(), Is.Not.EqualTo(perHead.Keys(0, 1).CentroidValues.ToArray()));
            Assert.That(shared.Keys(1, 1), Is.SameAs(shared.Keys(0, 0)));
            Assert.That(shared.Values(1, 0), Is.SameAs(shared.Values(0, 1)));
        });
    }

    [Test]
    public void BadTrainingInputsAreRejected()
    {
        var layer = new ReadOnlyHostTensor(new float[200 * HeadDim], TensorLayout.Bhsd(1, 1, 200, HeadDim));
        var options = new PqCodebookOptions();
        float[] withNaN = new float[300 * HeadDim];
        withNaN[5] = float.NaN;
        var nanLayer = new ReadOnlyHostTensor(withNaN, TensorLayout.Bhsd(1, 1, 300, HeadDim));
        Assert.Multiple(() =>
        {
            Assert.That(() => PqCodebooks.Train([layer], [layer], options), Throws.ArgumentException.With.Message.Contains("200 training tokens; expected at least C = 256"));
            Assert.That(() => PqCodebooks.Train([], [], options), Throws.ArgumentException.With.Message.Contains("at least 1"));
            Assert.That(() => PqCodebooks.Train([nanLayer], [nanLayer], options), Throws.ArgumentException.With.Message.Contains("not finite"));
            Assert.That(() => PqCodebooks.Train([layer], [layer], options with { Subspaces = 16 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("expected 32 or 64"));
            Assert.That(() => PqCodebooks.Train([layer], [layer], options with { Centroids = 16 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("expected 256"));
            Assert.That(() => PqCodebooks.Train([layer], [layer], options with { SampleTokens = 100 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("SampleTokens"));
        });
    }

    private static PqCodebooks Train(float[] data, int tokens, PqCodebookOptions options)
    {
        var tensor = new ReadOnlyHostTensor(data, TensorLayout.Bhsd(1, 1, tokens, HeadDim));
        return PqCodebooks.Train([tensor], [tensor], options);
    }
}
