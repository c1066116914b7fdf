namespace MInference.Decode;

/// <summary>
/// <see cref="PqCodebooks.Train"/> with the Lloyd iterations on the GPU (<see cref="GpuKMeans"/>): the
/// same inputs, the same sampled tokens and seeds, and bit-identical codebooks. The sampling and the
/// k-means++ initialisation (seeded, sequential by nature) stay on the CPU, one subspace per task;
/// every (codebook, subspace) problem of keys and values then trains in one launch (one per distinct
/// sample size, when layers hold different token counts).
/// </summary>
public static class GpuPqCodebookTrainer
{
    /// <summary>Trains the codebooks as <see cref="PqCodebooks.Train"/> does, and waits for the device.</summary>
    /// <param name="context">The device and stream.</param>
    /// <param name="keys">Per layer, keys [B, kv_heads, N, head_dim] (any strides); every layer the same kv_heads and head_dim.</param>
    /// <param name="values">Per layer, values shaped as the keys.</param>
    /// <param name="options">M, C, iterations, seed, sample size and granularity.</param>
    /// <exception cref="ArgumentException">The lists are empty or of different lengths, a tensor is not rank 4 or disagrees with the others, a value is not finite, a codebook would see fewer than C tokens, or the training set of one launch exceeds a host array.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="DeviceOutOfMemoryException">The device cannot hold the training set.</exception>
    /// <exception cref="CudaException">The launch failed.</exception>
    public static PqCodebooks Train(GpuContext context, IReadOnlyList<ReadOnlyHostTensor> keys, IReadOnlyList<ReadOnlyHostTensor> values, PqCodebookOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        PqTrainingJobs jobs = PqTrainingJobs.Sample(keys, values, options);
        PqTrainingJob[] all = [.. jobs.Keys, .. jobs.Values];
        var books = new PqCodebook[all.Length];
        foreach (IGrouping<int, int> group in Enumerable.Range(0, all.Length).GroupBy(i => all[i].Tokens.Length))
        {
            int[] members = group.ToArray();
            long floats = (long)members.Length * group.Key;
            if (floats > Array.MaxLength)
            {
                throw new ArgumentException(
                    $"{members.Length} codebooks × {group.Key / jobs.Data.HeadDim} tokens × head_dim {jobs.Data.HeadDim} = {floats} floats exceed one host array; lower options.SampleTokens", nameof(options));
            }

            TrainGroup(context, jobs, all, members, books);
        }

        return jobs.Assemble(books[..jobs.Keys.Length], books[jobs.Keys.Length..]);
    }

    /// <summary>Trains the codebooks <paramref name="members"/> of <paramref name="all"/>, which share a token count, in one launch.</summary>
    private static void TrainGroup(GpuContext context, PqTrainingJobs jobs, PqTrainingJob[] all, int[] members, PqCodebook[] books)
    {
        int headDim = jobs.Data.HeadDim;
        int subspaces = jobs.Options.Subspaces;
        int centroids = jobs.Options.Centroids;
        int subDim = headDim / subspaces;
        int count = all[members[0]].Tokens.Length / headDim;
        int problems = members.Length * subspaces;
        int floats = members.Length * count * headDim;  // checked against Array.MaxLength by the caller
        // Problem p = (member k, subspace m) with p = k·M + m: the trained [S, 256, subDim] block of
        // member k is then its [M, 256, subDim] codebook as it stands.
        var data = new float[floats];
        var trained = new float[problems * centroids * subDim];
        Parallel.For(0, problems, problem =>
        {
            PqTrainingJob job = all[members[problem / subspaces]];
            int m = problem % subspaces;
            float[] points = jobs.SubspacePoints(job, m);
            points.CopyTo(data, problem * count * subDim);
            SubspaceKMeans.InitialisePlusPlus(points, subDim, centroids, PqTrainingJobs.SubspaceRandom(job, m))
                .CopyTo(trained, problem * centroids * subDim);
        });

        using var dataBuffer = new DeviceBuffer(context, (long)floats * sizeof(float));
        using var centroidBuffer = new DeviceBuffer(context, (long)trained.Length * sizeof(float));
        using var workspace = new DeviceBuffer(context, GpuKMeans.WorkspaceSize(problems, count));
        dataBuffer.CopyFromHost<float>(data);
        centroidBuffer.CopyFromHost<float>(trained);
        GpuKMeans.Run(context, dataBuffer, centroidBuffer, problems, count, subDim, jobs.Options.Iterations, workspace);
        centroidBuffer.CopyToHost<float>(trained);  // ordered after the launch on the context's stream
        int bookFloats = subspaces * centroids * subDim;
        for (int k = 0; k < members.Length; k++)
        {
            books[members[k]] = new PqCodebook(headDim, subspaces, trained.AsSpan(k * bookFloats, bookFloats));
        }
    }
}
