using System.CommandLine;
using System.Text.Json;
using MInference.Decode;
using Spectre.Console;

namespace MInference.Cli.Bench;

/// <summary>
/// `minference bench decode`: one decode step over a product-quantized cache (codes + a 128-token
/// 16-bit window) and over a dense 16-bit cache of the same context length, timed with CUDA events
/// (median after warm-up), with the bytes each reads per second.
/// </summary>
internal static class DecodeBenchCommand
{
    private const int RandomSeed = 4321;
    private const int Window = DecodeBenchCache.Window;

    private static readonly Option<int[]> s_lengths = new Option<int[]>("--seq")
    {
        Description = "Context length(s) per sequence; several values give one pair of rows per value",
        Required = true,
        AllowMultipleArgumentsPerToken = true,
    }.AllAtLeast(1);

    private static readonly Option<int> s_batch = new Option<int>("--batch") { Description = "Sequences", DefaultValueFactory = _ => 1 }.AtLeast(1);
    private static readonly Option<int> s_heads = new Option<int>("--heads") { Description = "Query heads", DefaultValueFactory = _ => 32 }.AtLeast(1);
    private static readonly Option<int> s_kvHeads = new Option<int>("--kv-heads") { Description = "Key/value heads (divides --heads)", DefaultValueFactory = _ => 32 }.AtLeast(1);
    private static readonly Option<int> s_headDim = new Option<int>("--head-dim") { Description = $"Head dimension ({AttentionHeadDims.Text})", DefaultValueFactory = _ => 128 }.AtLeast(1);
    private static readonly Option<int> s_subspaces = new Option<int>("--subspaces") { Description = "PQ subspaces M: 32 or 64", DefaultValueFactory = _ => 64 }.AtLeast(1);
    private static readonly Option<string> s_dtype = DTypeNames.CreateOption();
    private static readonly Option<int> s_warmup = new Option<int>("--warmup") { Description = "Untimed steps first", DefaultValueFactory = _ => 5 }.AtLeast(0);
    private static readonly Option<int> s_iterations = new Option<int>("--iters") { Description = "Timed steps (>= 10); the median is reported", DefaultValueFactory = _ => 50 }.AtLeast(10);
    private static readonly Option<bool> s_json = new("--json") { Description = "One JSON object per row on its own line" };
    private static readonly Option<int> s_overlapSteps = new Option<int>("--overlap-steps")
    {
        Description = "Also time N PQ decode steps (highest-priority stream) beside the encode of a seq-token prompt (lowest-priority stream), and report the overlap (0 = off)",
        DefaultValueFactory = _ => 0,
    }.AtLeast(0);

    public static Command Create()
    {
        var command = new Command("decode", "Time one decode step over a PQ cache and over a dense cache (CUDA events; bytes read per second).")
        {
            s_lengths, s_batch, s_heads, s_kvHeads, s_headDim, s_subspaces, s_dtype, s_warmup, s_iterations, s_json, s_overlapSteps,
        }.WithExamples("minference bench decode --seq 8192 32768 131072 --heads 32 --kv-heads 8 --head-dim 128 --subspaces 64 --json");
        command.SetAction(parse => Consoles.Run(() => Run(parse)));
        return command;
    }

    private static ExitCode Run(ParseResult parse)
    {
        int heads = parse.GetValue(s_heads), kvHeads = parse.GetValue(s_kvHeads), headDim = parse.GetValue(s_headDim), subspaces = parse.GetValue(s_subspaces);
        if (heads % kvHeads != 0)
        {
            throw new ArgumentException($"{s_kvHeads.Name} {kvHeads} must divide {s_heads.Name} {heads}");
        }

        if (!AttentionHeadDims.IsSupported(headDim))
        {
            throw new ArgumentException($"{s_headDim.Name} {headDim} is not supported: the kernels take {AttentionHeadDims.Text}");
        }

        if (subspaces is not (32 or 64) || headDim % subspaces != 0)
        {
            throw new ArgumentException($"{s_subspaces.Name} {subspaces}: expected 32 or 64, dividing {s_headDim.Name} {headDim}");
        }

        if (!GpuBackend.IsAvailable)
        {
            Consoles.Error.MarkupLineInterpolated($"[red]bench needs the GPU. GPU backend unavailable:[/] {GpuBackend.UnavailableReason}");
            return ExitCode.GpuUnavailable;
        }

        var shape = new DecodeBenchShape(parse.GetValue(s_batch), heads, kvHeads, headDim, subspaces, DTypeNames.Parse(parse.GetValue(s_dtype)));
        int warmup = parse.GetValue(s_warmup), iterations = parse.GetValue(s_iterations);
        bool json = parse.GetValue(s_json);
        using var context = new GpuContext(0, GpuStreamPriority.Highest);
        int overlapSteps = parse.GetValue(s_overlapSteps);
        var rows = new List<DecodeBenchmarkResult>();
        foreach (int length in parse.GetRequiredValue(s_lengths))
        {
            foreach (DecodeBenchmarkResult row in Consoles.WithProgress(report => Measure(context, shape, length, warmup, iterations, report)))
            {
                if (json)
                {
                    Console.WriteLine(JsonSerializer.Serialize(row, BenchmarkJsonContext.Default.DecodeBenchmarkResult));
                }

                rows.Add(row);
            }

            if (overlapSteps > 0)
            {
                DecodeOverlapResult overlap = Consoles.WithProgress(report => DecodeOverlapBenchmark.Measure(context, shape, length, overlapSteps, warmup, iterations, report));
                if (json)
                {
                    Console.WriteLine(JsonSerializer.Serialize(overlap, BenchmarkJsonContext.Default.DecodeOverlapResult));
                }
                else
                {
                    Consoles.Out.MarkupLineInterpolated(
                        $"seq {length}: {overlapSteps} decode steps {overlap.MsDecodeSteps:F3} ms alone, {overlap.MsDecodeStepsConcurrent:F3} ms beside the encode; encode {overlap.MsEncode:F3} ms alone; both {overlap.MsBoth:F3} ms: overlap {overlap.Overlap:P0}");
                }
            }
        }

        if (!json)
        {
            Consoles.Out.Write(Table(rows, context.Device.Name));
        }

        return ExitCode.Success;
    }

    private static DecodeBenchmarkResult[] Measure(GpuContext context, DecodeBenchShape shape, int length, int warmup, int iterations, Action<string> report)
    {
        var random = new Random(RandomSeed);
        int coded = PqKvCache.CodedTokens(length, Window);
        int windowed = length - coded;
        report($"seq {length}: random caches");
        using var q = DecodeBenchBuffers.Random16(context, shape.DType, (long)shape.Batch * shape.Heads * shape.HeadDim, random);
        using var output = new DeviceBuffer(context, (long)shape.Batch * shape.Heads * shape.HeadDim * sizeof(ushort));
        var queryLayout = TensorLayout.Bhsd(shape.Batch, shape.Heads, 1, shape.HeadDim);
        var qTensor = new DeviceTensor(q, shape.DType, queryLayout);
        var outputTensor = new DeviceTensor(output, shape.DType, queryLayout);

        double pq;
        long pqBytes;
        {
            using var cache = new DecodeBenchCache(context, shape, coded, windowed, random);
            using var workspace = new DeviceBuffer(context, Math.Max(1, GpuPqDecode.WorkspaceSize(context, cache.View, qTensor, outputTensor)));
            report($"seq {length}: timing PQ decode");
            pq = DecodeBenchBuffers.Median(context, warmup, iterations, () => GpuPqDecode.Run(context, cache.View, qTensor, outputTensor, workspace));
            // Codes of K and V, the window's 16-bit rows, and each kv head's two codebooks once.
            pqBytes = (2L * shape.Batch * shape.KvHeads * coded * shape.Subspaces)
                + (2L * shape.Batch * shape.KvHeads * windowed * shape.HeadDim * sizeof(ushort))
                + (2L * shape.KvHeads * shape.HeadDim * 256 * sizeof(float));
        }

        double dense;
        long denseBytes;
        {
            var cacheLayout = TensorLayout.Bhsd(shape.Batch, shape.KvHeads, length, shape.HeadDim);
            using var k = DecodeBenchBuffers.Random16(context, shape.DType, cacheLayout.RequiredElementCount, random);
            using var v = DecodeBenchBuffers.Random16(context, shape.DType, cacheLayout.RequiredElementCount, random);
            using var lengths = DecodeBenchBuffers.Lengths(context, shape.Batch, length);
            var kTensor = new DeviceTensor(k, shape.DType, cacheLayout);
            var vTensor = new DeviceTensor(v, shape.DType, cacheLayout);
            using var workspace = new DeviceBuffer(context, Math.Max(1, Attention.DenseDecodeWorkspaceSize(context, qTensor, kTensor, vTensor, lengths, length, outputTensor)));
            report($"seq {length}: timing dense decode");
            dense = DecodeBenchBuffers.Median(context, warmup, iterations, () => Attention.DenseDecode(context, qTensor, kTensor, vTensor, lengths, length, outputTensor, workspace));
            denseBytes = 2L * shape.Batch * shape.KvHeads * length * shape.HeadDim * sizeof(ushort);
        }

        double encode;
        long encodeBytes;
        {
            // Encoding a prompt of `length` tokens into the codes (K and V): what a prefill adds.
            var promptLayout = TensorLayout.Bhsd(shape.Batch, shape.KvHeads, length, shape.HeadDim);
            using var k = DecodeBenchBuffers.Random16(context, shape.DType, promptLayout.RequiredElementCount, random);
            using var v = DecodeBenchBuffers.Random16(context, shape.DType, promptLayout.RequiredElementCount, random);
            using var centroids = DecodeBenchBuffers.RandomFloats(context, (long)shape.KvHeads * shape.HeadDim * 256, random);
            long codeBytes = (long)shape.Batch * shape.KvHeads * Math.Max(length, 1) * shape.Subspaces;
            using var keyCodes = new DeviceBuffer(context, codeBytes);
            using var valueCodes = new DeviceBuffer(context, codeBytes);
            var kTensor = new DeviceTensor(k, shape.DType, promptLayout);
            var vTensor = new DeviceTensor(v, shape.DType, promptLayout);
            report($"seq {length}: timing PQ encode of the prompt");
            encode = DecodeBenchBuffers.Median(context, warmup, iterations, () =>
            {
                GpuPqEncoder.Encode(context, kTensor, centroids, shape.Subspaces, sharedCodebook: false, keyCodes, Math.Max(length, 1));
                GpuPqEncoder.Encode(context, vTensor, centroids, shape.Subspaces, sharedCodebook: false, valueCodes, Math.Max(length, 1));
            });
            encodeBytes = (2L * promptLayout.RequiredElementCount * sizeof(ushort)) + (2L * shape.Batch * shape.KvHeads * length * shape.Subspaces);
        }

        return
        [
            Row("decode_pq", shape, length, shape.Subspaces, pq, pqBytes, context.Device.Name),
            Row("decode_dense", shape, length, 0, dense, denseBytes, context.Device.Name),
            Row("encode_pq", shape, length, shape.Subspaces, encode, encodeBytes, context.Device.Name),
        ];
    }

    private static DecodeBenchmarkResult Row(string op, DecodeBenchShape shape, int length, int subspaces, double milliseconds, long bytes, string device) => new(
        Op: op,
        Batch: shape.Batch,
        Seq: length,
        Heads: shape.Heads,
        KvHeads: shape.KvHeads,
        HeadDim: shape.HeadDim,
        Subspaces: subspaces,
        Dtype: DTypeNames.ToShortName(shape.DType),
        MsMedian: milliseconds,
        Gbps: bytes / (milliseconds * 1e6),
        Device: device);

    private static Table Table(List<DecodeBenchmarkResult> rows, string device)
    {
        var table = new Table()
            .Title(Markup.Escape($"decode on {device}"))
            .AddColumn("op")
            .AddColumn(new TableColumn("seq").RightAligned())
            .AddColumn("batch, heads q/kv, dim, M")
            .AddColumn("dtype")
            .AddColumn(new TableColumn("median ms").RightAligned())
            .AddColumn(new TableColumn("GB/s").RightAligned());
        foreach (DecodeBenchmarkResult row in rows)
        {
            table.AddRow(row.Op, row.Seq.ToString(), $"{row.Batch}, {row.Heads}/{row.KvHeads}, {row.HeadDim}, {row.Subspaces}", row.Dtype, $"{row.MsMedian:F4}", $"{row.Gbps:F0}");
        }

        return table;
    }
}
