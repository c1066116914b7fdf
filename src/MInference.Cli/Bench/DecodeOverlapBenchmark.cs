using MInference.Decode;

namespace MInference.Cli.Bench;

/// <summary>
/// `bench decode --overlap-steps N`: does encoding a prompt on a low-priority stream hide behind decode
/// on a high-priority one? Three timings (CUDA events, medians): N PQ decode steps alone on the
/// context's stream (created at the highest priority), the encode of a <c>seq</c>-token prompt (K and
/// V) alone on a lowest-priority stream, and both enqueued together. Overlap = (decode + encode −
/// both) / min(decode, encode): 1 when the shorter one is hidden entirely, 0 when they serialise.
/// </summary>
internal static class DecodeOverlapBenchmark
{
    public static DecodeOverlapResult Measure(GpuContext context, DecodeBenchShape shape, int length, int steps, int warmup, int iterations, Action<string> report)
    {
        var random = new Random(8765);
        int coded = PqKvCache.CodedTokens(length, DecodeBenchCache.Window);
        report($"seq {length}: overlap buffers");
        using var cache = new DecodeBenchCache(context, shape, coded, length - coded, random);
        var queryLayout = TensorLayout.Bhsd(shape.Batch, shape.Heads, 1, shape.HeadDim);
        using var q = DecodeBenchBuffers.Random16(context, shape.DType, queryLayout.ElementCount, random);
        using var output = new DeviceBuffer(context, queryLayout.ElementCount * sizeof(ushort));
        var qTensor = new DeviceTensor(q, shape.DType, queryLayout);
        var outputTensor = new DeviceTensor(output, shape.DType, queryLayout);
        using var workspace = new DeviceBuffer(context, Math.Max(1, GpuPqDecode.WorkspaceSize(context, cache.View, qTensor, outputTensor)));

        var promptLayout = TensorLayout.Bhsd(shape.Batch, shape.KvHeads, length, shape.HeadDim);
        using var keys = DecodeBenchBuffers.Random16(context, shape.DType, promptLayout.RequiredElementCount, random);
        using var values = DecodeBenchBuffers.Random16(context, shape.DType, promptLayout.RequiredElementCount, random);
        using var centroids = DecodeBenchBuffers.RandomFloats(context, (long)shape.KvHeads * shape.HeadDim * 256, random);
        long codeBytes = (long)shape.Batch * shape.KvHeads * length * shape.Subspaces;
        using var keyCodes = new DeviceBuffer(context, codeBytes);
        using var valueCodes = new DeviceBuffer(context, codeBytes);
        using var encoder = new GpuStream(context, GpuStreamPriority.Lowest);

        void Decode()
        {
            for (int step = 0; step < steps; step++)
            {
                GpuPqDecode.Run(context, cache.View, qTensor, outputTensor, workspace);
            }
        }

        void Encode()
        {
            GpuPqEncoder.Encode(context, new DeviceTensor(keys, shape.DType, promptLayout), centroids, shape.Subspaces, sharedCodebook: false, keyCodes, length, stream: encoder);
            GpuPqEncoder.Encode(context, new DeviceTensor(values, shape.DType, promptLayout), centroids, shape.Subspaces, sharedCodebook: false, valueCodes, length, stream: encoder);
        }

        using var start = new GpuEvent(context);
        using var decodeEnd = new GpuEvent(context);
        using var encodeStart = new GpuEvent(context);
        using var encodeEnd = new GpuEvent(context);
        var decodeAlone = new double[iterations];
        var encodeAlone = new double[iterations];
        var both = new double[iterations];
        var decodeConcurrent = new double[iterations];
        report($"seq {length}: timing {steps} decode steps beside a prompt encode");
        for (int i = -warmup; i < iterations; i++)
        {
            context.Synchronize();
            start.Record(context.Stream);
            Decode();
            decodeEnd.Record(context.Stream);
            decodeEnd.Synchronize();
            double decodeMs = decodeEnd.ElapsedMillisecondsSince(start);

            encodeStart.Record(encoder);
            Encode();
            encodeEnd.Record(encoder);
            encodeEnd.Synchronize();
            double encodeMs = encodeEnd.ElapsedMillisecondsSince(encodeStart);

            // Together: the encode is enqueued first, on the low-priority stream, then the decodes.
            start.Record(context.Stream);
            encoder.WaitFor(start);
            Encode();
            encodeEnd.Record(encoder);
            Decode();
            decodeEnd.Record(context.Stream);
            context.Stream.WaitFor(encodeEnd);
            encodeEnd.Synchronize();
            decodeEnd.Synchronize();
            double bothMs = Math.Max(decodeEnd.ElapsedMillisecondsSince(start), encodeEnd.ElapsedMillisecondsSince(start));
            if (i >= 0)
            {
                (decodeAlone[i], encodeAlone[i], both[i], decodeConcurrent[i]) = (decodeMs, encodeMs, bothMs, decodeEnd.ElapsedMillisecondsSince(start));
            }
        }

        double decodeMedian = Statistics.Median(decodeAlone), encodeMedian = Statistics.Median(encodeAlone), bothMedian = Statistics.Median(both);
        return new DecodeOverlapResult(
            "encode_overlap", shape.Batch, length, shape.Heads, shape.KvHeads, shape.HeadDim, shape.Subspaces, DTypeNames.ToShortName(shape.DType), steps,
            decodeMedian, encodeMedian, bothMedian, Statistics.Median(decodeConcurrent),
            (decodeMedian + encodeMedian - bothMedian) / Math.Min(decodeMedian, encodeMedian), context.Device.Name);
    }
}

/// <summary>
/// One line of `bench decode --overlap-steps N --json`: <c>ms_decode_steps</c> the N steps alone,
/// <c>ms_encode</c> the prompt's encode alone, <c>ms_both</c> both enqueued together (first start to
/// last end), <c>ms_decode_steps_concurrent</c> the N steps' span in that run, <c>overlap</c> as
/// <see cref="DecodeOverlapBenchmark"/> defines it.
/// </summary>
internal sealed record DecodeOverlapResult(
    string Op, int Batch, int Seq, int Heads, int KvHeads, int HeadDim, int Subspaces, string Dtype, int DecodeSteps,
    double MsDecodeSteps, double MsEncode, double MsBoth, double MsDecodeStepsConcurrent, double Overlap, string Device);
