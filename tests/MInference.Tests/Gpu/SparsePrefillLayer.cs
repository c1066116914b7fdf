using MInference.Multimodal;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;
using MInference.Sparse.References;
using MInference.Synthetic;
using MInference.Tests.Support;

namespace MInference.Tests.Gpu;

/// <summary>
/// One layer's operands for the <see cref="SparsePrefill"/> GPU tests: structured q, k, v rounded
/// to the dtype (so the CPU reference sees exactly what the kernels see), on the host and on the
/// device in the case's memory order, with an output and a log-sum-exp poisoned with NaN.
/// </summary>
internal sealed class SparsePrefillLayer : IDisposable
{
    private const byte NaNPoison = 0xFF; // 0xFFFF is NaN in fp16 and bf16, 0xFFFFFFFF in fp32.

    private readonly GpuContext _context;
    private readonly List<DeviceBuffer> _buffers = [];

    public SparsePrefillLayer(GpuContext context, SparsePrefillCase testCase, int seed)
    {
        _context = context;
        Case = testCase;
        int n = testCase.SequenceLength;
        var data = StructuredAttentionData.Generate(new StructuredAttentionOptions
        {
            BatchSize = testCase.Batch,
            SequenceLength = n,
            Heads = SparsePrefillCase.QueryHeads,
            KvHeads = SparsePrefillCase.KvHeads,
            HeadDim = testCase.HeadDim,
            Seed = seed,
            DiagonalOffsets = [Math.Max(1, n / 7), Math.Max(1, n / 3)],
            VerticalPositions = [n / 2, (3 * n) / 4],
        });
        QueryLayout = LayoutOf(SparsePrefillCase.QueryHeads);
        TensorLayout keyValueLayout = LayoutOf(SparsePrefillCase.KvHeads);
        try
        {
            (HostQ, Q) = Place(data.Q, QueryLayout);
            (HostK, K) = Place(data.K, keyValueLayout);
            (HostV, V) = Place(data.V, keyValueLayout);
            Output = new DeviceTensor(Allocate(QueryLayout.RequiredElementCount * sizeof(ushort)), testCase.DType, QueryLayout);
            LogSumExp = Allocate((long)LogSumExpLength * sizeof(float));
        }
        catch
        {
            Dispose();
            throw;
        }

        Rows = testCase.SampleRows ? RowSampling.TileEdgesAndSpread(n) : Enumerable.Range(0, n).ToArray();
    }

    public SparsePrefillCase Case { get; }

    public TensorLayout QueryLayout { get; }

    /// <summary>The log-sum-exp as a [B, H, N, 1] tensor, for row comparisons.</summary>
    public TensorLayout LogSumExpLayout => TensorLayout.Contiguous(Case.Batch, SparsePrefillCase.QueryHeads, Case.SequenceLength, 1);

    public int LogSumExpLength => Case.Batch * SparsePrefillCase.QueryHeads * Case.SequenceLength;

    public ReadOnlyHostTensor HostQ { get; }

    public ReadOnlyHostTensor HostK { get; }

    public ReadOnlyHostTensor HostV { get; }

    public DeviceTensor Q { get; }

    public DeviceTensor K { get; }

    public DeviceTensor V { get; }

    public DeviceTensor Output { get; }

    public DeviceBuffer LogSumExp { get; }

    /// <summary>The query rows the reference computes and the tests compare.</summary>
    public int[] Rows { get; }

    public SparsePrefillReport Run(SparsePrefill prefill, IReadOnlyList<HeadPattern> headPatterns) =>
        prefill.RunLayer(_context, Q, K, V, headPatterns, Output, LogSumExp);

    public SparsePrefillReport Run(SparsePrefill prefill, IReadOnlyList<PatternHeadGroup> groups) =>
        prefill.RunLayer(_context, Q, K, V, groups, Output, LogSumExp);

    /// <summary>The output (decoded to float, in the case's memory order) and the log-sum-exp.</summary>
    public (float[] Output, float[] LogSumExp) Download()
    {
        _context.Synchronize();
        var bits = new ushort[QueryLayout.RequiredElementCount];
        Output.Buffer.CopyToHost<ushort>(bits);
        var output = new float[bits.Length];
        HalfPrecision.Decode(bits, output, Case.DType);
        var logSumExp = new float[LogSumExpLength];
        LogSumExp.CopyToHost<float>(logSumExp);
        return (output, logSumExp);
    }

    /// <summary>
    /// The CPU reference of what <paramref name="report"/> says ran: each group's dense heads causal,
    /// its sparse heads with the pattern over the indices the GPU built (host copies in the report),
    /// so a near-tie the GPU estimation resolved differently from the CPU one cannot fail the test.
    /// </summary>
    public (float[] Output, float[] LogSumExp) Reference(SparsePrefillReport report)
    {
        var expected = new float[QueryLayout.RequiredElementCount];
        var logSumExp = new float[LogSumExpLength];
        var output = new HostTensor(expected, QueryLayout);
        var options = new SparseReferenceOptions { QueryRows = Rows };
        foreach (PatternGroupReport group in report.Groups)
        {
            // Sparse first: a vertical-slash index holds every head of its group, also those the
            // device routed dense, whose rows the dense reference then overwrites.
            if (!group.SparseHeads.IsEmpty)
            {
                RunSparse(group, output, logSumExp, options);
            }

            if (!group.DenseHeads.IsEmpty)
            {
                SparseAttentionReference.DenseCausal(HostQ, HostK, HostV, group.DenseHeads.Span, output, logSumExp, options);
            }
        }

        return (expected, logSumExp);
    }

    private void RunSparse(PatternGroupReport group, HostTensor output, float[] logSumExp, SparseReferenceOptions options)
    {
        switch (group.Pattern)
        {
            case VerticalSlashPattern:
                SparseAttentionReference.VerticalSlash(HostQ, HostK, HostV, RequireCopy(group.VerticalSlashIndex, group), output, logSumExp, options);
                break;
            case BlockSparsePattern:
                SparseAttentionReference.BlockSparse(HostQ, HostK, HostV, RequireCopy(group.BlockSparseIndex, group), output, logSumExp, options);
                break;
            case GridPattern or BoundaryPattern:
                PermutedBlockReference.Run(HostQ, HostK, HostV, RequireCopy(group.PermutedBlockIndex, group), output, logSumExp, options);
                break;
            case AShapePattern aShape:
                SparseAttentionReference.AShape(HostQ, HostK, HostV, group.SparseHeads.Span, aShape, output, logSumExp, options);
                break;
            default:
                throw new InvalidOperationException($"{group}: sparse heads of a dense pattern");
        }
    }

    /// <summary>Dense causal attention of every head, the CPU reference of a layer that ran dense throughout.</summary>
    public (float[] Output, float[] LogSumExp) DenseReference()
    {
        var expected = new float[QueryLayout.RequiredElementCount];
        var logSumExp = new float[LogSumExpLength];
        SparseAttentionReference.DenseCausal(
            HostQ, HostK, HostV, Enumerable.Range(0, SparsePrefillCase.QueryHeads).ToArray(), new HostTensor(expected, QueryLayout), logSumExp,
            new SparseReferenceOptions { QueryRows = Rows });
        return (expected, logSumExp);
    }

    /// <summary>Output and log-sum-exp of the compared rows within the dtype's tolerance (<see cref="Tolerance"/>), none left unwritten.</summary>
    public void AssertMatches((float[] Output, float[] LogSumExp) actual, (float[] Output, float[] LogSumExp) expected, string what)
    {
        var comparison = RowComparison.Compare(actual.Output, expected.Output, QueryLayout, Rows);
        var logSumExp = RowComparison.Compare(actual.LogSumExp, expected.LogSumExp, LogSumExpLayout, Rows);
        Tolerance tolerance = Tolerance.For(Case.DType);
        string context = $"{Case}, {what} ({Rows.Length} rows/head): max-abs {comparison.Errors.MaxAbsoluteError:E3}, " +
            $"rel-L2 {comparison.Errors.RelativeL2Error:E3}, tolerance {tolerance}; worst element {comparison.WorstElement}";
        Assert.Multiple(() =>
        {
            Assert.That(comparison.Errors.NonFiniteCount, Is.Zero, $"{what}: NaN/inf outputs (a head left unwritten?)");
            Assert.That(comparison.Errors.MaxAbsoluteError, Is.LessThanOrEqualTo(tolerance.MaxAbsoluteError), context);
            Assert.That(comparison.Errors.RelativeL2Error, Is.LessThanOrEqualTo(tolerance.RelativeL2Error), context);
            Assert.That(logSumExp.Errors.NonFiniteCount, Is.Zero, $"{what}: NaN/inf log-sum-exp (a head left unwritten?)");
            Assert.That(
                logSumExp.Errors.MaxAbsoluteError,
                Is.LessThanOrEqualTo(Tolerance.LogSumExpMaxAbsoluteError),
                $"{what}: log-sum-exp max-abs {logSumExp.Errors.MaxAbsoluteError:E3}; worst {logSumExp.WorstElement}");
        });
    }

    public void Dispose()
    {
        foreach (DeviceBuffer buffer in _buffers)
        {
            buffer.Dispose();
        }
    }

    private static T RequireCopy<T>(T? copy, PatternGroupReport group)
        where T : class =>
        copy ?? throw new InvalidOperationException($"{group}: the report holds no index copy (KeepIndices off?)");

    private TensorLayout LayoutOf(int heads) => Case.Order == MemoryOrder.Bshd
        ? TensorLayout.Bshd(Case.Batch, Case.SequenceLength, heads, Case.HeadDim)
        : TensorLayout.Bhsd(Case.Batch, heads, Case.SequenceLength, Case.HeadDim);

    /// <summary>Rounds contiguous [B, H, N, D] values to the dtype, lays them out in <paramref name="layout"/> and uploads them.</summary>
    private (ReadOnlyHostTensor Host, DeviceTensor Device) Place(ReadOnlyHostTensor bhsd, TensorLayout layout)
    {
        ReadOnlySpan<float> source = bhsd.Data.Span;
        ReadOnlySpan<nint> lengths = layout.Lengths;
        ReadOnlySpan<nint> strides = layout.Strides;
        int dim = (int)lengths[3];
        var values = new float[layout.RequiredElementCount];
        long row = 0;
        for (long b = 0; b < lengths[0]; b++)
        {
            for (long h = 0; h < lengths[1]; h++)
            {
                for (long s = 0; s < lengths[2]; s++, row++)
                {
                    source.Slice((int)(row * dim), dim).CopyTo(values.AsSpan((int)((b * strides[0]) + (h * strides[1]) + (s * strides[2])), dim));
                }
            }
        }

        var bits = new ushort[values.Length];
        HalfPrecision.Encode(values, bits, Case.DType);
        HalfPrecision.Decode(bits, values, Case.DType);
        DeviceBuffer buffer = Allocate(bits.Length * sizeof(ushort));
        buffer.CopyFromHost<ushort>(bits);
        return (new ReadOnlyHostTensor(values, layout), new DeviceTensor(buffer, Case.DType, layout));
    }

    private DeviceBuffer Allocate(long bytes)
    {
        var buffer = new DeviceBuffer(_context, bytes);
        _buffers.Add(buffer);
        buffer.Fill(NaNPoison);
        return buffer;
    }
}
