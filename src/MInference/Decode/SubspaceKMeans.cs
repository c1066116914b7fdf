namespace MInference.Decode;

/// <summary>
/// k-means of one subspace: k-means++ initialisation from a seeded <see cref="Random"/>, then a fixed
/// number of Lloyd iterations (assign each point to its nearest centroid, ties to the lowest index;
/// move each centroid to the mean of its points, summed in double in point order, then rounded to
/// float). A cluster left empty is re-seeded at the point farthest from its centroid (ties to the
/// lowest point index), each re-seeded point used once: deterministic, and no centroid is wasted.
/// </summary>
internal static class SubspaceKMeans
{
    /// <summary>Trains <paramref name="clusters"/> centroids ([clusters, dim] floats) on <paramref name="points"/> ([count, dim]).</summary>
    public static float[] Train(ReadOnlySpan<float> points, int dim, int clusters, int iterations, Random random)
    {
        float[] centroids = InitialisePlusPlus(points, dim, clusters, random);
        Lloyd(points, dim, centroids, iterations);
        return centroids;
    }

    /// <summary>
    /// Runs <paramref name="iterations"/> Lloyd steps from <paramref name="centroids"/> ([clusters, dim],
    /// updated in place). The GPU trainer (<c>mi_pq_kmeans</c>) reproduces this arithmetic step for step.
    /// </summary>
    /// <param name="points">[count, dim] floats.</param>
    /// <param name="dim">Floats per point.</param>
    /// <param name="centroids">[clusters, dim]: the start, overwritten with the result.</param>
    /// <param name="iterations">Lloyd steps.</param>
    /// <param name="lastAssignment">Optional [count]: the nearest centroid of each point at the last step (untouched when <paramref name="iterations"/> is 0).</param>
    internal static void Lloyd(ReadOnlySpan<float> points, int dim, Span<float> centroids, int iterations, Span<int> lastAssignment = default)
    {
        int count = points.Length / dim;
        int clusters = centroids.Length / dim;
        var assignment = new int[count];
        var distance = new double[count];
        var sums = new double[clusters * dim];
        var members = new int[clusters];
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            for (int i = 0; i < count; i++)
            {
                assignment[i] = PqEncoder.Nearest(points.Slice(i * dim, dim), centroids, out distance[i]);
            }

            Array.Clear(sums);
            Array.Clear(members);
            for (int i = 0; i < count; i++)
            {
                int cluster = assignment[i];
                members[cluster]++;
                for (int j = 0; j < dim; j++)
                {
                    sums[(cluster * dim) + j] += points[(i * dim) + j];
                }
            }

            for (int cluster = 0; cluster < clusters; cluster++)
            {
                if (members[cluster] == 0)
                {
                    int farthest = ArgMax(distance);
                    distance[farthest] = double.NegativeInfinity;
                    points.Slice(farthest * dim, dim).CopyTo(centroids.Slice(cluster * dim, dim));
                    continue;
                }

                for (int j = 0; j < dim; j++)
                {
                    centroids[(cluster * dim) + j] = (float)(sums[(cluster * dim) + j] / members[cluster]);
                }
            }
        }

        if (iterations > 0 && !lastAssignment.IsEmpty)
        {
            assignment.CopyTo(lastAssignment);
        }
    }

    /// <summary>k-means++: the first centroid a uniformly drawn point, each next one drawn with probability proportional to the squared distance to the nearest chosen one (uniformly when every point is already chosen).</summary>
    internal static float[] InitialisePlusPlus(ReadOnlySpan<float> points, int dim, int clusters, Random random)
    {
        int count = points.Length / dim;
        var centroids = new float[clusters * dim];
        var nearest = new double[count];
        Array.Fill(nearest, double.PositiveInfinity);
        int chosen = random.Next(count);
        for (int cluster = 0; cluster < clusters; cluster++)
        {
            ReadOnlySpan<float> centre = points.Slice(chosen * dim, dim);
            centre.CopyTo(centroids.AsSpan(cluster * dim, dim));
            double total = 0;
            for (int i = 0; i < count; i++)
            {
                double sum = 0;
                for (int j = 0; j < dim; j++)
                {
                    double difference = (double)points[(i * dim) + j] - centre[j];
                    sum += difference * difference;
                }

                nearest[i] = Math.Min(nearest[i], sum);
                total += nearest[i];
            }

            chosen = total > 0 ? Draw(nearest, total * random.NextDouble()) : random.Next(count);
        }

        return centroids;
    }

    /// <summary>The first index whose running sum of <paramref name="weights"/> passes <paramref name="target"/> (the last positive weight if rounding runs past the end).</summary>
    private static int Draw(double[] weights, double target)
    {
        double running = 0;
        int lastPositive = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            if (weights[i] > 0)
            {
                running += weights[i];
                lastPositive = i;
                if (running > target)
                {
                    return i;
                }
            }
        }

        return lastPositive;
    }

    private static int ArgMax(double[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
