using MInference.Sparse.Estimation;
using MInference.Sparse.Indexes;
using MInference.Sparse.Patterns;
using MInference.Sparse.References;
using MInference.Synthetic;
using MInference.Tests.Support;

namespace MInference.Tests.Gpu;

/// <summary>
/// A-shape, block-sparse and vertical-slash kernels against the CPU references, on structured
/// data (sinks, a local band, strong diagonals and vertical keys) rounded to the dtype. The
/// block-sparse and vertical-slash indices are estimated and converted on the CPU from the same
/// rounded inputs, so the test covers the GPU attention over MInference's own index. Only a subset
/// of heads is computed: the others must keep their NaN poison.
/// </summary>
public sealed class SparseAttentionGpuTests : GpuFixture
{
    private const byte NaNPoison = 0xFF;

    [TestCaseSource(typeof(SparseCases), nameof(SparseCases.All))]
    public void MatchesTheCpuReference(SparseCase testCase)
    {
        int seed = RandomValues.StableSeed(testCase.ToString());
        DType dtype = testCase.DType;
        int n = testCase.SequenceLength;
        var data = StructuredAttentionData.Generate(new StructuredAttentionOptions
        {
            BatchSize = testCase.Batch,
            SequenceLength = n,
            Heads = SparseCase.QueryHeads,
            KvHeads = SparseCase.KvHeads,
            HeadDim = testCase.HeadDim,
            Seed = seed,
            DiagonalOffsets = [Math.Max(1, n / 7), Math.Max(1, n / 3)],
            VerticalPositions = [n / 2, (3 * n) / 4],
        });
        (ushort[] qBits, ReadOnlyHostTensor q) = DTypeRounding.RoundTo(dtype, data.Q);
        (ushort[] kBits, ReadOnlyHostTensor k) = DTypeRounding.RoundTo(dtype, data.K);
        (ushort[] vBits, ReadOnlyHostTensor v) = DTypeRounding.RoundTo(dtype, data.V);
        TensorLayout queryLayout = q.Layout;
        int logSumExpLength = testCase.Batch * SparseCase.QueryHeads * n;
        int[] rows = testCase.SampleRows ? RowSampling.TileEdgesAndSpread(n) : Enumerable.Range(0, n).ToArray();
        var expected = new float[queryLayout.RequiredElementCount];
        var expectedLogSumExp = new float[logSumExpLength];
        var options = new SparseReferenceOptions { QueryRows = rows };

        using DeviceBuffer qBuffer = Upload<ushort>(qBits);
        using DeviceBuffer kBuffer = Upload<ushort>(kBits);
        using DeviceBuffer vBuffer = Upload<ushort>(vBits);
        using var outputBuffer = new DeviceBuffer(Context, queryLayout.RequiredElementCount * sizeof(ushort));
        using var logSumExpBuffer = new DeviceBuffer(Context, logSumExpLength * sizeof(float));
        outputBuffer.Fill(NaNPoison);
        logSumExpBuffer.Fill(NaNPoison);
        var qTensor = new DeviceTensor(qBuffer, dtype, queryLayout);
        var kTensor = new DeviceTensor(kBuffer, dtype, k.Layout);
        var vTensor = new DeviceTensor(vBuffer, dtype, v.Layout);
        var outputTensor = new DeviceTensor(outputBuffer, dtype, queryLayout);
        var output = new HostTensor(expected, queryLayout);

        switch (testCase.Pattern)
        {
            case "ashape":
            {
                var pattern = new AShapePattern(SinkTokens: 16, LocalWindow: Math.Min(512, (n / 2) + 1));
                Attention.AShape(Context, qTensor, kTensor, vTensor, outputTensor, new AShapeOptions(pattern.SinkTokens, pattern.LocalWindow), SparseCase.Heads, logSumExpBuffer);
                SparseAttentionReference.AShape(q, k, v, SparseCase.Heads, pattern, output, expectedLogSumExp, options);
                break;
            }

            case "block_sparse":
            {
                BlockSparseIndex index = BlockSparseEstimation.Estimate(q, k, SparseCase.Heads, new BlockSparsePattern(TopKBlocks: 4));
                using var blocks = DeviceCsrIndex.Upload(Context, index.RowPointers.Span, index.Blocks.Span);
                Attention.BlockSparse(Context, qTensor, kTensor, vTensor, outputTensor, blocks, SparseCase.Heads, logSumExpBuffer);
                SparseAttentionReference.BlockSparse(q, k, v, index, output, expectedLogSumExp, options);
                Context.Synchronize();
                break;
            }

            case "vertical_slash":
            {
                VerticalSlashEstimate estimate = VerticalSlashEstimation.Estimate(q, k, SparseCase.Heads, new VerticalSlashPattern(VerticalSize: 64, SlashSize: 256));
                VerticalSlashIndex index = VerticalSlashIndexBuilder.Build(estimate.Selection);
                using var blocks = DeviceCsrIndex.Upload(Context, index.BlockRowPointers.Span, index.BlockStarts.Span);
                using var columns = DeviceCsrIndex.Upload(Context, index.ColumnRowPointers.Span, index.Columns.Span);
                Attention.VerticalSlash(Context, qTensor, kTensor, vTensor, outputTensor, blocks, columns, SparseCase.Heads, logSumExpBuffer);
                SparseAttentionReference.VerticalSlash(q, k, v, index, output, expectedLogSumExp, options);
                Context.Synchronize();
                break;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(testCase), testCase.Pattern, "unknown pattern");
        }

        Context.Synchronize();
        var outputBits = new ushort[queryLayout.RequiredElementCount];
        outputBuffer.CopyToHost<ushort>(outputBits);
        var actual = new float[outputBits.Length];
        HalfPrecision.Decode(outputBits, actual, dtype);
        var logSumExp = new float[logSumExpLength];
        logSumExpBuffer.CopyToHost<float>(logSumExp);
        HeadSubsetAssert.Matches(
            $"{testCase} (seed {seed})", dtype, queryLayout, SparseCase.Heads, rows, actual, expected, logSumExp, expectedLogSumExp);
    }
}
