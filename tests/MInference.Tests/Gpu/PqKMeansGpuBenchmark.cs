using MInference.Decode;

namespace MInference.Tests.Gpu;

/// <summary>
/// Issue #10's training shape, timed (explicit: run with
/// <c>./build.sh test -- --filter "FullyQualifiedName~PqKMeansGpuBenchmark"</c>): keys and values of
/// 32 kv heads × head_dim 128, M = 64, 32K sampled tokens each, 25 Lloyd iterations: 4,096 problems of
/// 32,768 two-dim points in one launch. Only the Lloyd launch is timed (CUDA events); the CPU
/// k-means++ start is excluded (here every problem simply starts at its first 256 points).
/// </summary>
[Explicit("a benchmark: 1 GiB of points, seconds of GPU time")]
public sealed class PqKMeansGpuBenchmark : GpuFixture
{
    [Test]
    public void LloydAtTheIssueShape()
    {
        const int KvHeads = 32, HeadDim = 128, Subspaces = 64, Tokens = 32 * 1024, Iterations = 25;
        const int Dim = HeadDim / Subspaces, Problems = 2 * KvHeads * Subspaces;
        var random = new Random(1);
        var data = new float[(long)Problems * Tokens * Dim];
        for (long i = 0; i < data.Length; i++)
        {
            data[i] = (float)((random.NextDouble() * 2) - 1);
        }

        var initial = new float[Problems * 256 * Dim];
        for (int s = 0; s < Problems; s++)
        {
            data.AsSpan((int)((long)s * Tokens * Dim), 256 * Dim).CopyTo(initial.AsSpan(s * 256 * Dim));
        }

        using DeviceBuffer points = Upload<float>(data);
        using DeviceBuffer centroids = Upload<float>(initial);
        using var workspace = new DeviceBuffer(Context, GpuKMeans.WorkspaceSize(Problems, Tokens));
        using var timer = new GpuTimer(Context);
        GpuKMeans.Run(Context, points, centroids, Problems, Tokens, Dim, 1, workspace);  // warm-up
        centroids.CopyFromHost<float>(initial);
        timer.Start();
        GpuKMeans.Run(Context, points, centroids, Problems, Tokens, Dim, Iterations, workspace);
        float ms = timer.Stop();
        TestContext.Out.WriteLine($"mi_pq_kmeans: {Problems} problems × {Tokens} points × dim {Dim}, {Iterations} iterations: {ms:F1} ms on {Context.Device.Name}");
        Assert.That(ms, Is.GreaterThan(0));
    }
}
