using System.Globalization;
using System.Text;
using MInference.Prefill;
using MInference.Sparse.Config;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;
using MInference.Tests.Gpu;
using MInference.Tests.Support;

namespace MInference.Tests.Fuzz;

/// <summary>
/// A seeded generator of valid attention problems. A fixed master seed gives the sequence of case
/// seeds; each case is drawn from its own seed alone, so any case reproduces by itself.
/// <list type="bullet">
/// <item>Sequence lengths are mostly short and odd-sized, with a tail up to 20,480 (GPU profile:
/// half up to 256, 30 % to 2,048, 15 % to 8,192, 5 % beyond); the CPU slice stays under 200.</item>
/// <item>Batch 1-3, 1-3 key/value heads times a group of 1, 2, 4 or 8, fewer heads at long lengths so
/// one case's reference stays bounded (B·H &lt;= 8 above 2,048 tokens, 4 above 8,192).</item>
/// <item>Every supported head_dim (<see cref="FuzzHeadDims"/>), both dtypes, BHSD or BSHD per operand,
/// sometimes padded rows and slabs and offset views.</item>
/// <item>Dense: causal with q_len &lt;= kv_len (bottom-right), or not with any q_len; A-shape on head
/// subsets with q_len &lt;= kv_len; layers: a random MInference pattern file of every kind with sizes
/// drawn around N (some past it), run by a plan under random cost models and limits.</item>
/// </list>
/// </summary>
internal static class FuzzCaseGenerator
{
    /// <summary>The master seed of every fuzz run: the case seeds are the first draws of a <see cref="Random"/> seeded with it.</summary>
    public const int MasterSeed = 9_08_2026;

    /// <summary>The GPU profile checks every row up to this q_len and samples rows beyond.</summary>
    public const int FullRowLimit = 256;

    /// <summary>Random rows added to the tile-edge rows of a sampled case.</summary>
    private const int RandomRows = 16;

    /// <summary>The first <paramref name="count"/> case seeds of the master sequence.</summary>
    public static int[] Seeds(int count)
    {
        var master = new Random(MasterSeed);
        return Enumerable.Range(0, count).Select(_ => master.Next()).ToArray();
    }

    /// <summary>The cases to run: the seeds listed in MI_FUZZ_SEEDS (comma-separated) when set, else the first <paramref name="count"/>.</summary>
    public static FuzzCase[] Cases(FuzzProfile profile, int count)
    {
        string? only = Environment.GetEnvironmentVariable("MI_FUZZ_SEEDS");
        int[] seeds = string.IsNullOrWhiteSpace(only)
            ? Seeds(count)
            : only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        return seeds.Select(seed => Create(seed, profile)).ToArray();
    }

    /// <summary>A count from an environment variable, else <paramref name="fallback"/>.</summary>
    public static int CountFromEnvironment(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out int count) && count > 0 ? count : fallback;

    /// <summary>The case of one seed under one profile.</summary>
    public static FuzzCase Create(int seed, FuzzProfile profile)
    {
        var random = new Random(seed);
        double operationDraw = random.NextDouble();
        FuzzOperation operation = operationDraw < 0.4 ? FuzzOperation.Dense : operationDraw < 0.55 ? FuzzOperation.AShape : FuzzOperation.Layer;
        int n = DrawLength(random, profile);
        (int batch, int kvHeads, int group) = DrawHeads(random, profile, n);
        int qHeads = kvHeads * group;
        DType dtype = random.Next(2) == 0 ? DType.BFloat16 : DType.Float16;
        int headDim = FuzzHeadDims.Supported[random.Next(FuzzHeadDims.Supported.Length)];

        int queryLength = n, keyLength = n;
        bool causal = true;
        if (operation == FuzzOperation.Dense)
        {
            causal = random.NextDouble() < 0.6;
            if (random.NextDouble() < 0.4)
            {
                queryLength = 1 + random.Next(n);
                if (!causal && random.Next(2) == 0)
                {
                    (queryLength, keyLength) = (keyLength, queryLength); // non-causal: q_len > kv_len is legal
                }
            }
        }
        else if (operation == FuzzOperation.AShape && random.NextDouble() < 0.4)
        {
            queryLength = 1 + random.Next(n);
        }

        FuzzLayouts layouts = DrawLayouts(random);
        float? scale = operation != FuzzOperation.Layer && random.NextDouble() < 0.3
            ? (float)((0.5 + random.NextDouble()) / Math.Sqrt(headDim))
            : null;
        bool withLogSumExp = random.NextDouble() < 0.6;
        float amplitude = random.NextDouble() < 0.7 ? 1f : (float)(1 + (1.5 * random.NextDouble()));

        AShapeOptions? aShape = null;
        int[] heads = [];
        string? config = null;
        HeadPattern[] patterns = [];
        SparsePrefillOptions? options = null;
        int runs = 1;
        switch (operation)
        {
            case FuzzOperation.AShape:
                AShapePattern sizes = DrawAShape(random, keyLength);
                aShape = new AShapeOptions(sizes.SinkTokens, sizes.LocalWindow) { SoftmaxScale = scale };
                heads = random.Next(2) == 0 ? [] : DrawHeadSubset(random, qHeads);
                break;
            case FuzzOperation.Layer:
                config = DrawConfig(random, qHeads, n);
                patterns = HeadPatternConfig.Parse(config, $"fuzz seed {seed}", 1, qHeads).GetLayer(0).Select(entry => entry.Pattern).ToArray();
                options = DrawOptions(random, n);
                runs = random.NextDouble() < 0.2 ? 2 : 1;
                break;
        }

        int[] rows = profile == FuzzProfile.CpuSlice || queryLength <= FullRowLimit
            ? Enumerable.Range(0, queryLength).ToArray()
            : RowSampling.TileEdgesAndSpread(queryLength).Concat(Enumerable.Range(0, RandomRows).Select(_ => random.Next(queryLength))).Distinct().Order().ToArray();
        return new FuzzCase(
            seed, profile, operation, dtype, headDim, batch, qHeads, kvHeads, queryLength, keyLength, layouts, causal, scale, withLogSumExp, amplitude,
            aShape, heads, config, patterns, options, runs, rows);
    }

    private static int DrawLength(Random random, FuzzProfile profile)
    {
        double draw = random.NextDouble();
        if (profile == FuzzProfile.CpuSlice)
        {
            return draw < 0.7 ? 1 + random.Next(96) : 97 + random.Next(104);
        }

        return draw < 0.5 ? 1 + random.Next(256)
            : draw < 0.8 ? 257 + random.Next(2048 - 256)
            : draw < 0.95 ? 2049 + random.Next(8192 - 2048)
            : 8193 + random.Next(20480 - 8192);
    }

    /// <summary>Batch, key/value heads and group size; B·H bounded at long lengths (the reference's cost grows with B·H·N).</summary>
    private static (int Batch, int KvHeads, int Group) DrawHeads(Random random, FuzzProfile profile, int n)
    {
        int[] groups = [1, 2, 4, 8];
        int batch = 1 + random.Next(3), kvHeads = 1 + random.Next(3), group = groups[random.Next(groups.Length)];
        int limit = profile == FuzzProfile.CpuSlice ? 12 : n > 8192 ? 4 : n > 2048 ? 8 : int.MaxValue;
        while (batch * kvHeads * group > limit)
        {
            if (batch > 1)
            {
                batch--;
            }
            else if (kvHeads > 1)
            {
                kvHeads--;
            }
            else
            {
                group /= 2;
            }
        }

        return (batch, kvHeads, group);
    }

    private static FuzzLayouts DrawLayouts(Random random)
    {
        MemoryOrder shared = random.Next(2) == 0 ? MemoryOrder.Bhsd : MemoryOrder.Bshd;
        bool mixed = random.NextDouble() < 0.4;
        FuzzOperandLayout Draw()
        {
            MemoryOrder order = mixed ? (random.Next(2) == 0 ? MemoryOrder.Bhsd : MemoryOrder.Bshd) : shared;
            bool padded = random.NextDouble() < 0.2;
            int offset = random.NextDouble() < 0.2 ? 8 * (1 + random.Next(16)) : 0;
            return new FuzzOperandLayout(order, padded ? 8 * random.Next(1, 9) : 0, padded ? 8 * random.Next(17) : 0, offset);
        }

        return new FuzzLayouts(Draw(), Draw(), Draw(), Draw());
    }

    private static AShapePattern DrawAShape(Random random, int n)
    {
        double sinkDraw = random.NextDouble(), localDraw = random.NextDouble();
        int sink = sinkDraw < 0.25 ? 0 : sinkDraw < 0.75 ? 1 + random.Next(Math.Min(n, 128)) : 1 + random.Next(n + 100);
        int local = localDraw < 0.4 ? 1 + random.Next(Math.Min(n, 256)) : localDraw < 0.8 ? 1 + random.Next(n) : n + random.Next(n + 64);
        return new AShapePattern(sink, local);
    }

    private static int[] DrawHeadSubset(Random random, int heads)
    {
        int[] subset = Enumerable.Range(0, heads).Where(_ => random.Next(2) == 0).ToArray();
        return subset.Length == 0 ? [random.Next(heads)] : subset;
    }

    /// <summary>
    /// A one-layer MInference pattern file: a pool of 1-4 distinct entries of random kinds and sizes,
    /// each head drawing one (so heads share groups), keys in random order.
    /// </summary>
    private static string DrawConfig(Random random, int heads, int n)
    {
        string[] pool = Enumerable.Range(0, 1 + random.Next(4)).Select(_ => DrawEntry(random, n)).ToArray();
        var text = new StringBuilder("[{");
        int[] order = Enumerable.Range(0, heads).OrderBy(_ => random.Next()).ToArray();
        for (int i = 0; i < order.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? string.Empty : ", ")}\"{order[i]}\": {pool[random.Next(pool.Length)]}");
        }

        return text.Append("}]").ToString();
    }

    private static string DrawEntry(Random random, int n)
    {
        double score = Math.Round(random.NextDouble(), 4);
        int SmallOrUpTo(int limit) => random.NextDouble() < 0.3 ? 1 + random.Next(100) : 1 + random.Next(Math.Max(1, limit));
        AShapePattern aShape = DrawAShape(random, n);
        string entry = random.Next(4) switch
        {
            0 => "\"dense\", 0, 0",
            1 => FormattableString.Invariant($"\"stream_llm\", {aShape.SinkTokens}, {aShape.LocalWindow}"),
            2 => FormattableString.Invariant($"\"block_sparse\", {1 + random.Next(((n + 63) / 64) + 3)}, 0"),
            _ => FormattableString.Invariant($"\"vertical_and_slash\", {SmallOrUpTo(n + 50)}, {SmallOrUpTo(n + 50)}"),
        };
        return FormattableString.Invariant($"[{entry}, {score}]");
    }

    private static SparsePrefillOptions DrawOptions(Random random, int n)
    {
        double costDraw = random.NextDouble();
        PrefillCostModel costs = costDraw < 0.6 ? PrefillCostModel.SparseAlways : costDraw < 0.8 ? PrefillCostModel.H100 : PrefillCostModel.CpuReference;
        return new SparsePrefillOptions
        {
            CostModel = costs,
            MaxDensity = random.NextDouble() < 0.5 ? 1 : random.NextDouble(),
            MaxIndexBytes = random.NextDouble() < 0.1 ? random.Next(1 << 20) : SparsePrefillOptions.DefaultMaxIndexBytes,
            MinSequenceLength = random.NextDouble() < 0.1 ? random.Next(2 * n) : 0,
            MinEstimatedSequenceLength = random.NextDouble() < 0.1 ? random.Next(2 * n) : 0,
            ConcurrentGroups = random.Next(2) == 0,
            KeepIndices = true,
        };
    }
}
