using MInference.Decode;

namespace MInference.Tests.Decode;

public sealed class PqEncoderTests
{
    private const int HeadDim = 64;
    private const int Subspaces = 32;

    [Test]
    public void TiesGoToTheLowestCentroidIndex()
    {
        // Subspace 0: centroids 3 and 7 are (1, 0) and (-1, 0), both at distance 1 from (0, 0); every
        // other centroid sits at (100, 100). Centroid 9 duplicates 3 exactly: (1, 0.5) picks 3, not 9.
        var centroids = new float[Subspaces * 256 * 2];
        Array.Fill(centroids, 100f);
        SetCentroid(centroids, 3, 1, 0);
        SetCentroid(centroids, 7, -1, 0);
        SetCentroid(centroids, 9, 1, 0);
        var codebook = new PqCodebook(HeadDim, Subspaces, centroids);
        var vectors = new float[2 * HeadDim];
        vectors[HeadDim] = 1;
        vectors[HeadDim + 1] = 0.5f;
        var codes = new byte[2 * Subspaces];

        PqEncoder.Encode(codebook, vectors, codes);

        Assert.Multiple(() =>
        {
            Assert.That(codes[0], Is.EqualTo(3), "equidistant from 3 and 7");
            Assert.That(codes[Subspaces], Is.EqualTo(3), "3 and 9 are the same point");
            Assert.That(codes[1], Is.EqualTo(0), "every centroid of subspace 1 is at (100, 100): all tie");
        });
    }

    [TestCase(64, 32)]
    [TestCase(64, 64)]
    [TestCase(96, 32)]
    [TestCase(128, 64)]
    public void CodesOfCentroidsReconstructThemExactly(int headDim, int subspaces)
    {
        PqCodebook codebook = TestCodebooks.Random(1, 1, headDim, subspaces, seed: 5).Keys(0, 0);
        byte[] codes = Enumerable.Range(0, 3 * subspaces).Select(i => (byte)((i * 37) % 256)).ToArray();
        var vectors = new float[3 * headDim];
        codebook.Reconstruct(codes, vectors);
        var again = new byte[codes.Length];

        PqEncoder.Encode(codebook, vectors, again);

        Assert.That(again, Is.EqualTo(codes), "N(0, 1) centroids are distinct, so each is its own nearest");
    }

    [Test]
    public void MismatchedLengthsAreRejected()
    {
        PqCodebook codebook = TestCodebooks.Random(1, 1, HeadDim, Subspaces, seed: 1).Keys(0, 0);
        Assert.Multiple(() =>
        {
            Assert.That(() => PqEncoder.Encode(codebook, new float[HeadDim + 1], new byte[Subspaces]), Throws.ArgumentException.With.Message.Contains("[tokens, 64]"));
            Assert.That(() => PqEncoder.Encode(codebook, new float[HeadDim], new byte[Subspaces + 1]), Throws.ArgumentException);
            Assert.That(() => new PqCodebook(HeadDim, 48, new float[48 * 256]), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("expected 32 or 64"));
            Assert.That(() => new PqCodebook(96, 64, new float[64 * 256]), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("does not divide head_dim 96"));
            Assert.That(() => new PqCodebook(HeadDim, Subspaces, new float[10]), Throws.ArgumentException.With.Message.Contains("expected M·C·(head_dim/M)"));
        });
    }

    private static void SetCentroid(float[] centroids, int code, float x, float y)
    {
        centroids[code * 2] = x;
        centroids[(code * 2) + 1] = y;
    }
}
