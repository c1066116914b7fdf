using MInference.Interop;

namespace MInference.Decode;

/// <summary>
/// Lloyd iterations of many independent k-means problems with 256 centroids on the GPU
/// (<c>mi_pq_kmeans</c>), the step of codebook training that <see cref="GpuPqCodebookTrainer"/>
/// batches over every (layer, kv head, subspace) of keys and values. From the same initial
/// centroids the result is bit-identical to the CPU reference's Lloyd steps (nearest centroid by
/// squared distance in double, ties to the lowest index; means summed in double in point order;
/// an empty cluster re-seeded at the farthest point from its centroid, each point used once), and
/// so run to run. The initialisation (k-means++) is the caller's.
/// </summary>
public static class GpuKMeans
{
    /// <summary>Centroids per problem: one byte per code.</summary>
    public const int Centroids = PqCodebookOptions.SupportedCentroids;

    /// <summary>Largest point dimension (head_dim / M for head_dim 128 and M = 32).</summary>
    public const int MaxDim = 4;

    /// <summary>Workspace bytes <see cref="Run"/> needs: one byte per point.</summary>
    /// <param name="problems">Independent problems, at least 1.</param>
    /// <param name="points">Points per problem, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range.</exception>
    public static long WorkspaceSize(int problems, int points)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(problems, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 1);
        return (long)problems * points;
    }

    /// <summary>
    /// Enqueues <paramref name="iterations"/> Lloyd steps of every problem on the context's stream
    /// (no allocation, no wait). The buffers must stay alive until the stream has run the work.
    /// </summary>
    /// <param name="context">The device and stream.</param>
    /// <param name="data">fp32 [problems, points, dim], contiguous, finite.</param>
    /// <param name="centroids">fp32 [problems, 256, dim]: the initial centroids, overwritten with the trained ones.</param>
    /// <param name="problems">Independent problems, at least 1.</param>
    /// <param name="points">Points per problem, at least 1.</param>
    /// <param name="dim">Floats per point, 1 to <see cref="MaxDim"/>.</param>
    /// <param name="iterations">Lloyd steps, 0 or more.</param>
    /// <param name="workspace">At least <see cref="WorkspaceSize"/> bytes.</param>
    /// <param name="assignments">Optional, written: bytes [problems, points], the nearest centroid of each point at the last step.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range.</exception>
    /// <exception cref="ArgumentException">A buffer is too small, or one buffer is passed twice.</exception>
    /// <exception cref="CudaException">The launch failed.</exception>
    public static void Run(
        GpuContext context,
        DeviceBuffer data,
        DeviceBuffer centroids,
        int problems,
        int points,
        int dim,
        int iterations,
        DeviceBuffer workspace,
        DeviceBuffer? assignments = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(centroids);
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentOutOfRangeException.ThrowIfLessThan(problems, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dim, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dim, MaxDim);
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        data.RequireUsableOn(context, nameof(data));
        centroids.RequireUsableOn(context, nameof(centroids));
        workspace.RequireUsableOn(context, nameof(workspace));
        assignments?.RequireUsableOn(context, nameof(assignments));
        RequireDistinct(data, centroids, workspace, assignments);
        RequireBytes(data, (long)problems * points * dim * sizeof(float), nameof(data), $"[{problems}, {points}, {dim}] floats");
        RequireBytes(centroids, (long)problems * Centroids * dim * sizeof(float), nameof(centroids), $"[{problems}, {Centroids}, {dim}] floats");
        RequireBytes(workspace, WorkspaceSize(problems, points), nameof(workspace), $"[{problems}, {points}] bytes (GpuKMeans.WorkspaceSize)");
        if (assignments is not null)
        {
            RequireBytes(assignments, (long)problems * points, nameof(assignments), $"[{problems}, {points}] bytes");
        }

        using var dataMemory = new SafeHandleLease(data.Memory);
        using var centroidMemory = new SafeHandleLease(centroids.Memory);
        using var workspaceMemory = new SafeHandleLease(workspace.Memory);
        using var assignmentMemory = assignments is null ? default : new SafeHandleLease(assignments.Memory);
        var args = new MiPqKMeansArgs
        {
            Problems = problems,
            Points = points,
            Dim = dim,
            Iterations = iterations,
            Data = dataMemory.Value,
            InitialCentroids = centroidMemory.Value,
            Centroids = centroidMemory.Value,
            Assignments = assignmentMemory.Value,
        };
        context.MakeCurrent();
        MiStatus.ThrowIfFailed(MiNative.mi_pq_kmeans(in args, workspaceMemory.Value, workspace.LengthInBytes, context.Stream.Handle));
    }

    private static void RequireDistinct(DeviceBuffer data, DeviceBuffer centroids, DeviceBuffer workspace, DeviceBuffer? assignments)
    {
        (DeviceBuffer? Buffer, string Name)[] buffers =
            [(data, nameof(data)), (centroids, nameof(centroids)), (workspace, nameof(workspace)), (assignments, nameof(assignments))];
        for (int i = 0; i < buffers.Length; i++)
        {
            for (int j = i + 1; j < buffers.Length; j++)
            {
                if (buffers[i].Buffer is not null && ReferenceEquals(buffers[i].Buffer, buffers[j].Buffer))
                {
                    throw new ArgumentException($"{buffers[i].Name} and {buffers[j].Name} are the same buffer; expected separate buffers", buffers[j].Name);
                }
            }
        }
    }

    private static void RequireBytes(DeviceBuffer buffer, long bytes, string name, string what)
    {
        if (buffer.LengthInBytes < bytes)
        {
            throw new ArgumentException($"{name} holds {buffer.LengthInBytes} bytes; {what} need {bytes}", name);
        }
    }
}
