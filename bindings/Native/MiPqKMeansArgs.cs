using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary><c>mi_pq_kmeans_args</c>, field for field (64 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiPqKMeansArgs
{
    /// <summary><c>problems</c>: independent k-means problems, at least 1.</summary>
    public long Problems;

    /// <summary><c>points</c>: points per problem, at least 1.</summary>
    public long Points;

    /// <summary><c>dim</c>: floats per point, 1 to 4.</summary>
    public long Dim;

    /// <summary><c>iterations</c>: Lloyd steps, 0 or more.</summary>
    public long Iterations;

    /// <summary><c>data</c>: device fp32 [problems, points, dim].</summary>
    public nint Data;

    /// <summary><c>initial_centroids</c>: device fp32 [problems, 256, dim].</summary>
    public nint InitialCentroids;

    /// <summary><c>centroids</c>: device fp32 [problems, 256, dim], written (may equal <see cref="InitialCentroids"/>).</summary>
    public nint Centroids;

    /// <summary><c>assignments</c>: optional device bytes [problems, points], written.</summary>
    public nint Assignments;
}
