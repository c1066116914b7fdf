using MInference.Decode;
using MInference.Tests.Support;

namespace MInference.Tests.Gpu;

/// <summary>
/// The GPU encoder against <see cref="PqEncoder"/> on the same rounded inputs, every head_dim with
/// M = 32 and 64 where M divides it, both dtypes, per-head and shared codebooks, unequal counts and
/// nonzero offsets. Codes must be equal, except where the CPU's nearest and the GPU's choice are
/// within fp32 rounding of each other (relative 1e-5 of the squared distance: fp32 sums 2-4 squared
/// differences, double is exact to that precision). Rows outside [offset, offset + count) keep
/// their poison.
/// </summary>
public sealed class PqEncodeGpuTests : GpuFixture
{
    private const byte Poison = 0xAB;

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (int headDim in AttentionHeadDims.Supported)
        {
            foreach (int subspaces in new[] { 32, 64 }.Where(m => headDim % m == 0))
            {
                foreach (DType dtype in new[] { DType.BFloat16, DType.Float16 })
                {
                    foreach (bool shared in new[] { false, true })
                    {
                        yield return new TestCaseData(headDim, subspaces, dtype, shared)
                            .SetArgDisplayNames($"D{headDim} M{subspaces} {dtype}{(shared ? " shared" : string.Empty)}");
                    }
                }
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void MatchesTheCpuEncoder(int headDim, int subspaces, DType dtype, bool shared)
    {
        var random = new Random(RandomValues.StableSeed($"{headDim} {subspaces} {dtype} {shared}"));
        const int batch = 3, kvHeads = 2, tokens = 1000, capacity = 1100;
        int[] counts = [1000, 1, 517];
        int[] offsets = [0, 1099, 33];
        int books = shared ? 1 : kvHeads;
        int subDim = headDim / subspaces;
        float[] centroids = RandomValues.Normal(books * headDim * 256, random.Next());
        var layout = TensorLayout.Bhsd(batch, kvHeads, tokens, headDim);
        (ushort[] bits, float[] values) = RandomValues.NormalRoundedTo(dtype, layout.RequiredElementCount, random);

        using DeviceBuffer input = Upload<ushort>(bits);
        using DeviceBuffer centroidBuffer = Upload<float>(centroids);
        using DeviceBuffer offsetBuffer = Upload<int>(offsets);
        using DeviceBuffer countBuffer = Upload<int>(counts);
        using var codes = new DeviceBuffer(Context, (long)batch * kvHeads * capacity * subspaces);
        codes.Fill(Poison);
        GpuPqEncoder.Encode(Context, new DeviceTensor(input, dtype, layout), centroidBuffer, subspaces, shared, codes, capacity, offsetBuffer, countBuffer);
        Context.Synchronize();
        var actual = new byte[batch * kvHeads * capacity * subspaces];
        codes.CopyToHost<byte>(actual);

        int mismatches = 0, nearTies = 0, untouchedWrong = 0;
        for (int b = 0; b < batch; b++)
        {
            for (int h = 0; h < kvHeads; h++)
            {
                var book = new PqCodebook(headDim, subspaces, centroids.AsSpan((shared ? 0 : h) * headDim * 256, headDim * 256));
                var expected = new byte[counts[b] * subspaces];
                PqEncoder.Encode(book, values.AsSpan(((b * kvHeads) + h) * tokens * headDim, counts[b] * headDim), expected);
                for (int row = 0; row < capacity; row++)
                {
                    int t = row - offsets[b];
                    for (int m = 0; m < subspaces; m++)
                    {
                        byte got = actual[((((b * kvHeads) + h) * capacity) + row) * subspaces + m];
                        if (t < 0 || t >= counts[b])
                        {
                            untouchedWrong += got == Poison ? 0 : 1;
                            continue;
                        }

                        byte want = expected[(t * subspaces) + m];
                        if (got == want)
                        {
                            continue;
                        }

                        ReadOnlySpan<float> point = values.AsSpan(((((b * kvHeads) + h) * tokens) + t) * headDim + (m * subDim), subDim);
                        double best = SquaredDistance(point, book.Centroid(m, want));
                        double chosen = SquaredDistance(point, book.Centroid(m, got));
                        if (chosen <= best * (1 + 1e-5) + 1e-12)
                        {
                            nearTies++;
                        }
                        else
                        {
                            mismatches++;
                        }
                    }
                }
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(mismatches, Is.Zero, $"codes farther than the nearest centroid ({nearTies} near ties accepted)");
            Assert.That(untouchedWrong, Is.Zero, "code rows outside [offset, offset + count) must keep their poison");
        });
    }

    private static double SquaredDistance(ReadOnlySpan<float> point, ReadOnlySpan<float> centroid)
    {
        double sum = 0;
        for (int j = 0; j < point.Length; j++)
        {
            double difference = (double)point[j] - centroid[j];
            sum += difference * difference;
        }

        return sum;
    }
}
