using MInference.Decode;
using MInference.Tests.Decode;
using MInference.Tests.Support;

namespace MInference.Tests.Gpu;

/// <summary>
/// The GPU Lloyd steps (<see cref="GpuKMeans"/>) against the CPU reference's
/// (<c>SubspaceKMeans.Lloyd</c>) from the same k-means++ start. The tolerance is zero: the kernel
/// reproduces the reference's arithmetic (distances in double with the same roundings, ties to the
/// lowest index, sums in double in point order, one division), so centroids and assignments must be
/// bit-identical, near-ties included — the "grid" data (small integers) makes exact ties and
/// duplicate points common, which exercises the exact fallback behind the fp32 scan and the
/// re-seeding of empty clusters; fewer points than centroids exhausts the re-seeding points.
/// </summary>
public sealed class PqKMeansGpuTests : GpuFixture
{
    private const byte Poison = 0xEE;

    private static IEnumerable<TestCaseData> Problems()
    {
        for (int dim = 1; dim <= GpuKMeans.MaxDim; dim++)
        {
            foreach (string kind in new[] { "uniform", "grid" })
            {
                foreach (int points in new[] { 1000, 257, 100 })
                {
                    yield return new TestCaseData(dim, kind, points).SetArgDisplayNames($"dim {dim} {kind} N{points}");
                }
            }
        }
    }

    private static IEnumerable<TestCaseData> CodebookShapes()
    {
        foreach (int headDim in new[] { 64, 96, 128 })
        {
            foreach (int subspaces in new[] { 32, 64 }.Where(m => headDim % m == 0))
            {
                yield return new TestCaseData(headDim, subspaces).SetArgDisplayNames($"D{headDim} M{subspaces}");
            }
        }
    }

    [TestCaseSource(nameof(Problems))]
    public void LloydMatchesTheCpuReference(int dim, string kind, int points)
    {
        const int Problems = 5, Iterations = 8;
        (float[] data, float[] initial) = MakeProblems(Problems, points, dim, kind, seed: RandomValues.StableSeed($"{dim} {kind} {points}"));

        (float[] centroids, byte[] assignments) = RunGpu(data, initial, Problems, points, dim, Iterations);

        int centroidMismatches = 0, assignmentMismatches = 0;
        for (int s = 0; s < Problems; s++)
        {
            float[] expected = initial.AsSpan(s * 256 * dim, 256 * dim).ToArray();
            var expectedAssignment = new int[points];
            SubspaceKMeans.Lloyd(data.AsSpan(s * points * dim, points * dim), dim, expected, Iterations, expectedAssignment);
            for (int i = 0; i < expected.Length; i++)
            {
                centroidMismatches += BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(centroids[(s * 256 * dim) + i]) ? 0 : 1;
            }

            for (int i = 0; i < points; i++)
            {
                assignmentMismatches += expectedAssignment[i] == assignments[(s * points) + i] ? 0 : 1;
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(centroidMismatches, Is.Zero, "centroid floats differing from the CPU reference's bits");
            Assert.That(assignmentMismatches, Is.Zero, "last-step assignments differing from the CPU reference's");
        });
    }

    [TestCaseSource(nameof(CodebookShapes))]
    public void TrainerMatchesTheCpuTrainer(int headDim, int subspaces)
    {
        // 2 layers × 2 kv heads × 300 tokens of keys and values, 280 sampled per codebook: 8 codebooks
        // of M subspaces each, trained in one launch.
        var random = new Random(RandomValues.StableSeed($"trainer {headDim} {subspaces}"));
        ReadOnlyHostTensor[] keys = [Layer(1, 300, headDim, random), Layer(1, 300, headDim, random)];
        ReadOnlyHostTensor[] values = [Layer(1, 300, headDim, random), Layer(1, 300, headDim, random)];
        var options = new PqCodebookOptions { Subspaces = subspaces, Iterations = 6, SampleTokens = 280, Seed = 5 };

        AssertSameCodebooks(GpuPqCodebookTrainer.Train(Context, keys, values, options), PqCodebooks.Train(keys, values, options));
    }

    [Test]
    public void LayersOfDifferentLengthsAndSharedCodebooksMatchTheCpuTrainer()
    {
        // Layer 0 holds 300 tokens per head, layer 1 holds 2 × 130 = 260: two sample sizes, two launches.
        var random = new Random(77);
        ReadOnlyHostTensor[] keys = [Layer(1, 300, 64, random), Layer(2, 130, 64, random)];
        ReadOnlyHostTensor[] values = [Layer(1, 300, 64, random), Layer(2, 130, 64, random)];
        var options = new PqCodebookOptions { Subspaces = 32, Iterations = 4, SampleTokens = 4096, Seed = 9 };

        AssertSameCodebooks(GpuPqCodebookTrainer.Train(Context, keys, values, options), PqCodebooks.Train(keys, values, options));
        var shared = options with { Granularity = PqCodebookGranularity.Shared, SampleTokens = 700 };
        AssertSameCodebooks(GpuPqCodebookTrainer.Train(Context, keys, values, shared), PqCodebooks.Train(keys, values, shared));
    }

    [Test]
    public void TenRunsAreBitIdentical()
    {
        const int Problems = 64, Points = 2000, Dim = 2, Iterations = 10;
        (float[] data, float[] initial) = MakeProblems(Problems, Points, Dim, "uniform", seed: 31);
        (float[] first, byte[] firstAssignments) = RunGpu(data, initial, Problems, Points, Dim, Iterations);
        for (int run = 1; run < 10; run++)
        {
            (float[] centroids, byte[] assignments) = RunGpu(data, initial, Problems, Points, Dim, Iterations);
            Assert.Multiple(() =>
            {
                Assert.That(centroids, Is.EqualTo(first), $"run {run}: centroids");
                Assert.That(assignments, Is.EqualTo(firstAssignments), $"run {run}: assignments");
            });
        }
    }

    [Test]
    public void EmptyClustersAreReseededAtTheFarthestPointsInTurn()
    {
        // The hand-checked case of SubspaceKMeansTests, in two problems of one launch.
        float[] start = SubspaceKMeansTests.ReseedingCase(out float[] points);
        (float[] centroids, byte[] assignments) = RunGpu([.. points, .. points], [.. start, .. start], 2, points.Length, 1, 1);
        float[] expected = SubspaceKMeansTests.ReseedingExpected();

        Assert.Multiple(() =>
        {
            Assert.That(centroids, Is.EqualTo((float[])[.. expected, .. expected]));
            Assert.That(assignments, Is.EqualTo(new byte[] { 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 2, 2 }));
        });
    }

    [Test]
    public void ZeroIterationsCopyTheStartAndLeaveTheAssignments()
    {
        (float[] data, float[] initial) = MakeProblems(3, 300, 3, "uniform", seed: 8);
        (float[] centroids, byte[] assignments) = RunGpu(data, initial, 3, 300, 3, 0);

        Assert.Multiple(() =>
        {
            Assert.That(centroids, Is.EqualTo(initial));
            Assert.That(assignments, Is.All.EqualTo(Poison));
        });
    }

    /// <summary>Per problem, <paramref name="points"/> random points and their k-means++ start (as the trainers seed it).</summary>
    private static (float[] Data, float[] Initial) MakeProblems(int problems, int points, int dim, string kind, int seed)
    {
        var random = new Random(seed);
        var data = new float[problems * points * dim];
        var initial = new float[problems * 256 * dim];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = kind == "grid" ? random.Next(-3, 4) : (float)((random.NextDouble() * 2) - 1);
        }

        for (int s = 0; s < problems; s++)
        {
            SubspaceKMeans.InitialisePlusPlus(data.AsSpan(s * points * dim, points * dim), dim, 256, new Random(seed + s))
                .CopyTo(initial, s * 256 * dim);
        }

        return (data, initial);
    }

    private (float[] Centroids, byte[] Assignments) RunGpu(float[] data, float[] initial, int problems, int points, int dim, int iterations)
    {
        using DeviceBuffer dataBuffer = Upload<float>(data);
        using DeviceBuffer centroidBuffer = Upload<float>(initial);
        using var workspace = new DeviceBuffer(Context, GpuKMeans.WorkspaceSize(problems, points));
        using var assignmentBuffer = new DeviceBuffer(Context, (long)problems * points);
        assignmentBuffer.Fill(Poison);
        GpuKMeans.Run(Context, dataBuffer, centroidBuffer, problems, points, dim, iterations, workspace, assignmentBuffer);
        var centroids = new float[initial.Length];
        var assignments = new byte[problems * points];
        centroidBuffer.CopyToHost<float>(centroids);
        assignmentBuffer.CopyToHost<byte>(assignments);
        return (centroids, assignments);
    }

    private static ReadOnlyHostTensor Layer(int batch, int tokens, int headDim, Random random)
    {
        var layout = TensorLayout.Bhsd(batch, 2, tokens, headDim);
        return new ReadOnlyHostTensor(RandomValues.Normal((int)layout.ElementCount, random.Next()), layout);
    }

    private static void AssertSameCodebooks(PqCodebooks gpu, PqCodebooks cpu)
    {
        Assert.That(gpu.Granularity, Is.EqualTo(cpu.Granularity));
        for (int layer = 0; layer < cpu.Layers; layer++)
        {
            for (int head = 0; head < cpu.KvHeads; head++)
            {
                Assert.Multiple(() =>
                {
                    Assert.That(gpu.Keys(layer, head).CentroidValues.ToArray(), Is.EqualTo(cpu.Keys(layer, head).CentroidValues.ToArray()), $"keys of layer {layer}, kv head {head}");
                    Assert.That(gpu.Values(layer, head).CentroidValues.ToArray(), Is.EqualTo(cpu.Values(layer, head).CentroidValues.ToArray()), $"values of layer {layer}, kv head {head}");
                });
            }
        }
    }
}
