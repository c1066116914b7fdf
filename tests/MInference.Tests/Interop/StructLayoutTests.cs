using System.Runtime.CompilerServices;
using MInference.Interop;

namespace MInference.Tests.Interop;

/// <summary>The C# mirrors of the ABI structs must match the C layout (x86-64 / aarch64 LP64) byte for byte.</summary>
public sealed class StructLayoutTests
{
    [Test]
    public void DeviceInfoMatchesTheHeader()
    {
        var info = default(MiDeviceInfo);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiDeviceInfo>(), Is.EqualTo(296));
            Assert.That(OffsetOf(ref info, ref info.Ordinal), Is.EqualTo(256), "after char name[256]");
            Assert.That(OffsetOf(ref info, ref info.ComputeMajor), Is.EqualTo(260));
            Assert.That(OffsetOf(ref info, ref info.ComputeMinor), Is.EqualTo(264));
            Assert.That(OffsetOf(ref info, ref info.MultiprocessorCount), Is.EqualTo(268));
            Assert.That(OffsetOf(ref info, ref info.TotalMemoryBytes), Is.EqualTo(272));
            Assert.That(OffsetOf(ref info, ref info.SharedMemoryPerBlockOptIn), Is.EqualTo(280));
            Assert.That(OffsetOf(ref info, ref info.DriverVersion), Is.EqualTo(288));
            Assert.That(OffsetOf(ref info, ref info.RuntimeVersion), Is.EqualTo(292));
        });
    }

    [Test]
    public void Tensor4MatchesTheHeader()
    {
        var tensor = default(MiTensor4);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiTensor4>(), Is.EqualTo(40));
            Assert.That(OffsetOf(ref tensor, ref tensor.Stride[0]), Is.EqualTo(8));
            Assert.That(OffsetOf(ref tensor, ref tensor.Stride[3]), Is.EqualTo(32));
        });
    }

    [Test]
    public void PqDecodeArgsMatchTheHeader()
    {
        var args = default(MiPqDecodeArgs);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiPqDecodeArgs>(), Is.EqualTo(328));
            Assert.That(OffsetOf(ref args, ref args.Q), Is.EqualTo(72));
            Assert.That(OffsetOf(ref args, ref args.KeyCodes), Is.EqualTo(112));
            Assert.That(OffsetOf(ref args, ref args.KeyCentroids), Is.EqualTo(152));
            Assert.That(OffsetOf(ref args, ref args.SharedCodebook), Is.EqualTo(168));
            Assert.That(OffsetOf(ref args, ref args.WindowK), Is.EqualTo(176), "after the int32 and its padding");
            Assert.That(OffsetOf(ref args, ref args.CodedLens), Is.EqualTo(256));
            Assert.That(OffsetOf(ref args, ref args.O), Is.EqualTo(272));
            Assert.That(OffsetOf(ref args, ref args.Lse), Is.EqualTo(312));
            Assert.That(OffsetOf(ref args, ref args.Splits), Is.EqualTo(324));
        });
    }

    [Test]
    public void PqKMeansArgsMatchTheHeader()
    {
        var args = default(MiPqKMeansArgs);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiPqKMeansArgs>(), Is.EqualTo(64));
            Assert.That(OffsetOf(ref args, ref args.Iterations), Is.EqualTo(24));
            Assert.That(OffsetOf(ref args, ref args.Data), Is.EqualTo(32));
            Assert.That(OffsetOf(ref args, ref args.InitialCentroids), Is.EqualTo(40));
            Assert.That(OffsetOf(ref args, ref args.Centroids), Is.EqualTo(48));
            Assert.That(OffsetOf(ref args, ref args.Assignments), Is.EqualTo(56));
        });
    }

    [Test]
    public void PqEncodeArgsMatchTheHeader()
    {
        var args = default(MiPqEncodeArgs);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiPqEncodeArgs>(), Is.EqualTo(160));
            Assert.That(OffsetOf(ref args, ref args.Input), Is.EqualTo(48));
            Assert.That(OffsetOf(ref args, ref args.Centroids), Is.EqualTo(88));
            Assert.That(OffsetOf(ref args, ref args.SharedCodebook), Is.EqualTo(96));
            Assert.That(OffsetOf(ref args, ref args.Codes), Is.EqualTo(104), "after the int32 and its padding");
            Assert.That(OffsetOf(ref args, ref args.CodeTokenStride), Is.EqualTo(128));
            Assert.That(OffsetOf(ref args, ref args.Counts), Is.EqualTo(152));
        });
    }

    [Test]
    public void KvAppendStepArgsMatchTheHeader()
    {
        var args = default(MiKvAppendStepArgs);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiKvAppendStepArgs>(), Is.EqualTo(192));
            Assert.That(OffsetOf(ref args, ref args.Batch), Is.EqualTo(8), "after the 4-byte dtype and its padding");
            Assert.That(OffsetOf(ref args, ref args.Keys), Is.EqualTo(48));
            Assert.That(OffsetOf(ref args, ref args.Values), Is.EqualTo(88));
            Assert.That(OffsetOf(ref args, ref args.WindowK), Is.EqualTo(128));
            Assert.That(OffsetOf(ref args, ref args.StagingK), Is.EqualTo(144));
            Assert.That(OffsetOf(ref args, ref args.CodedLens), Is.EqualTo(160));
            Assert.That(OffsetOf(ref args, ref args.FlushCounts), Is.EqualTo(184));
        });
    }

    [Test]
    public void KvWriteWindowArgsMatchTheHeader()
    {
        var args = default(MiKvWriteWindowArgs);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiKvWriteWindowArgs>(), Is.EqualTo(200));
            Assert.That(OffsetOf(ref args, ref args.Sequence), Is.EqualTo(48));
            Assert.That(OffsetOf(ref args, ref args.Keys), Is.EqualTo(72));
            Assert.That(OffsetOf(ref args, ref args.Values), Is.EqualTo(112));
            Assert.That(OffsetOf(ref args, ref args.WindowK), Is.EqualTo(152));
            Assert.That(OffsetOf(ref args, ref args.CodedLens), Is.EqualTo(168));
            Assert.That(OffsetOf(ref args, ref args.CodedLength), Is.EqualTo(184));
            Assert.That(OffsetOf(ref args, ref args.WindowLength), Is.EqualTo(192));
        });
    }

    [Test]
    public void DenseDecodeArgsMatchTheHeader()
    {
        var args = default(MiDenseDecodeArgs);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiDenseDecodeArgs>(), Is.EqualTo(240));
            Assert.That(OffsetOf(ref args, ref args.Batch), Is.EqualTo(8), "after the 4-byte dtype and its padding");
            Assert.That(OffsetOf(ref args, ref args.MaxLen), Is.EqualTo(48));
            Assert.That(OffsetOf(ref args, ref args.Q), Is.EqualTo(56));
            Assert.That(OffsetOf(ref args, ref args.SeqLens), Is.EqualTo(176));
            Assert.That(OffsetOf(ref args, ref args.O), Is.EqualTo(184));
            Assert.That(OffsetOf(ref args, ref args.Lse), Is.EqualTo(224));
            Assert.That(OffsetOf(ref args, ref args.SoftmaxScale), Is.EqualTo(232));
            Assert.That(OffsetOf(ref args, ref args.Splits), Is.EqualTo(236));
        });
    }

    [Test]
    public void DenseAttentionArgsMatchTheHeader()
    {
        var args = default(MiDenseAttentionArgs);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiDenseAttentionArgs>(), Is.EqualTo(232));
            Assert.That(OffsetOf(ref args, ref args.Batch), Is.EqualTo(8), "4-byte enum, then padding to int64");
            Assert.That(OffsetOf(ref args, ref args.QHeads), Is.EqualTo(16));
            Assert.That(OffsetOf(ref args, ref args.KvHeads), Is.EqualTo(24));
            Assert.That(OffsetOf(ref args, ref args.QLen), Is.EqualTo(32));
            Assert.That(OffsetOf(ref args, ref args.KvLen), Is.EqualTo(40));
            Assert.That(OffsetOf(ref args, ref args.HeadDim), Is.EqualTo(48));
            Assert.That(OffsetOf(ref args, ref args.Q), Is.EqualTo(56));
            Assert.That(OffsetOf(ref args, ref args.K), Is.EqualTo(96));
            Assert.That(OffsetOf(ref args, ref args.V), Is.EqualTo(136));
            Assert.That(OffsetOf(ref args, ref args.O), Is.EqualTo(176));
            Assert.That(OffsetOf(ref args, ref args.Lse), Is.EqualTo(216));
            Assert.That(OffsetOf(ref args, ref args.SoftmaxScale), Is.EqualTo(224));
            Assert.That(OffsetOf(ref args, ref args.Causal), Is.EqualTo(228));
        });
    }

    [Test]
    public void AShapeAttentionArgsMatchTheHeader()
    {
        var args = default(MiAShapeAttentionArgs);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiAShapeAttentionArgs>(), Is.EqualTo(280), "232 + 3 x 8 + 4, padded to 8, + 16 of routes");
            Assert.That(OffsetOf(ref args, ref args.SinkTokens), Is.EqualTo(232));
            Assert.That(OffsetOf(ref args, ref args.LocalWindow), Is.EqualTo(240));
            Assert.That(OffsetOf(ref args, ref args.Heads), Is.EqualTo(248));
            Assert.That(OffsetOf(ref args, ref args.HeadCount), Is.EqualTo(256));
            Assert.That(OffsetOf(ref args, ref args.Routes), Is.EqualTo(264));
        });
    }

    [Test]
    public void CsrIndexMatchesTheHeader()
    {
        var index = default(MiCsrIndex);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiCsrIndex>(), Is.EqualTo(24));
            Assert.That(OffsetOf(ref index, ref index.Values), Is.EqualTo(8));
            Assert.That(OffsetOf(ref index, ref index.ValueCount), Is.EqualTo(16));
        });
    }

    [Test]
    public void BlockSparseAttentionArgsMatchTheHeader()
    {
        var args = default(MiBlockSparseAttentionArgs);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiBlockSparseAttentionArgs>(), Is.EqualTo(288), "232 + 24 + 8 + 4, padded to 8, + 16 of routes");
            Assert.That(OffsetOf(ref args, ref args.Blocks), Is.EqualTo(232));
            Assert.That(OffsetOf(ref args, ref args.Heads), Is.EqualTo(256));
            Assert.That(OffsetOf(ref args, ref args.HeadCount), Is.EqualTo(264));
            Assert.That(OffsetOf(ref args, ref args.Routes), Is.EqualTo(272));
        });
    }

    [Test]
    public void GridEstimateArgsMatchTheHeader()
    {
        var args = default(MiGridEstimateArgs);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiGridEstimateArgs>(), Is.EqualTo(96), "3 int64, an int32 padded to 8, 3 pointers, int32 + 2 floats padded to 16, 3 pointers");
            Assert.That(OffsetOf(ref args, ref args.VerticalScores), Is.EqualTo(32));
            Assert.That(OffsetOf(ref args, ref args.CandidateCount), Is.EqualTo(56));
            Assert.That(OffsetOf(ref args, ref args.Tolerance), Is.EqualTo(60));
            Assert.That(OffsetOf(ref args, ref args.MinContrast), Is.EqualTo(64));
            Assert.That(OffsetOf(ref args, ref args.Strides), Is.EqualTo(72));
            Assert.That(OffsetOf(ref args, ref args.Order), Is.EqualTo(88));
        });
    }

    [Test]
    public void GridSelectArgsMatchTheHeader()
    {
        var args = default(MiGridSelectArgs);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiGridSelectArgs>(), Is.EqualTo(192), "dtype padded to 8, 5 int64, 2 tensors of 40, heads, head_count padded to 8, 3 pointers, keep, 2 pointers");
            Assert.That(OffsetOf(ref args, ref args.Q), Is.EqualTo(48));
            Assert.That(OffsetOf(ref args, ref args.Heads), Is.EqualTo(128));
            Assert.That(OffsetOf(ref args, ref args.Strides), Is.EqualTo(144));
            Assert.That(OffsetOf(ref args, ref args.Keep), Is.EqualTo(168));
            Assert.That(OffsetOf(ref args, ref args.Blocks), Is.EqualTo(184));
        });
    }

    [Test]
    public void BoundaryOrderArgsMatchTheHeader()
    {
        var args = default(MiBoundaryOrderArgs);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiBoundaryOrderArgs>(), Is.EqualTo(208), "as the select's up to head_count, then segments, grid, candidates, tolerance, min_contrast padded to 8, 3 pointers");
            Assert.That(OffsetOf(ref args, ref args.HeadCount), Is.EqualTo(136));
            Assert.That(OffsetOf(ref args, ref args.VideoSegments), Is.EqualTo(144));
            Assert.That(OffsetOf(ref args, ref args.SegmentCount), Is.EqualTo(152));
            Assert.That(OffsetOf(ref args, ref args.Grid), Is.EqualTo(156));
            Assert.That(OffsetOf(ref args, ref args.Candidates), Is.EqualTo(160));
            Assert.That(OffsetOf(ref args, ref args.CandidateCount), Is.EqualTo(168));
            Assert.That(OffsetOf(ref args, ref args.Tolerance), Is.EqualTo(172));
            Assert.That(OffsetOf(ref args, ref args.MinContrast), Is.EqualTo(176));
            Assert.That(OffsetOf(ref args, ref args.Strides), Is.EqualTo(184));
            Assert.That(OffsetOf(ref args, ref args.Order), Is.EqualTo(200));
        });
    }

    [Test]
    public void BoundarySelectArgsMatchTheHeader()
    {
        var args = default(MiBoundarySelectArgs);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiBoundarySelectArgs>(), Is.EqualTo(200), "as the grid's up to order, then text_tokens, kind padded to 8, 2 budgets, 2 pointers");
            Assert.That(OffsetOf(ref args, ref args.Order), Is.EqualTo(144));
            Assert.That(OffsetOf(ref args, ref args.TextTokens), Is.EqualTo(152));
            Assert.That(OffsetOf(ref args, ref args.Kind), Is.EqualTo(160));
            Assert.That(OffsetOf(ref args, ref args.First), Is.EqualTo(168));
            Assert.That(OffsetOf(ref args, ref args.Blocks), Is.EqualTo(192));
        });
    }

    [Test]
    public void PermutedAttentionArgsMatchTheHeader()
    {
        var args = default(MiPermutedAttentionArgs);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiPermutedAttentionArgs>(), Is.EqualTo(296), "232 + 24 + 8 + 8 + 4, padded to 8, + 16 of routes");
            Assert.That(OffsetOf(ref args, ref args.Blocks), Is.EqualTo(232));
            Assert.That(OffsetOf(ref args, ref args.Order), Is.EqualTo(256));
            Assert.That(OffsetOf(ref args, ref args.Heads), Is.EqualTo(264));
            Assert.That(OffsetOf(ref args, ref args.HeadCount), Is.EqualTo(272));
            Assert.That(OffsetOf(ref args, ref args.Routes), Is.EqualTo(280));
        });
    }

    [Test]
    public void VerticalSlashAttentionArgsMatchTheHeader()
    {
        var args = default(MiVerticalSlashAttentionArgs);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiVerticalSlashAttentionArgs>(), Is.EqualTo(312), "232 + 2 x 24 + 8 + 4, padded to 8, + 16 of routes");
            Assert.That(OffsetOf(ref args, ref args.Blocks), Is.EqualTo(232));
            Assert.That(OffsetOf(ref args, ref args.Columns), Is.EqualTo(256));
            Assert.That(OffsetOf(ref args, ref args.Heads), Is.EqualTo(280));
            Assert.That(OffsetOf(ref args, ref args.HeadCount), Is.EqualTo(288));
            Assert.That(OffsetOf(ref args, ref args.Routes), Is.EqualTo(296));
        });
    }

    [Test]
    public void BlockSparseEstimateArgsMatchTheHeader()
    {
        var args = default(MiBlockSparseEstimateArgs);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiBlockSparseEstimateArgs>(), Is.EqualTo(168));
            Assert.That(OffsetOf(ref args, ref args.Q), Is.EqualTo(48));
            Assert.That(OffsetOf(ref args, ref args.K), Is.EqualTo(88));
            Assert.That(OffsetOf(ref args, ref args.Heads), Is.EqualTo(128));
            Assert.That(OffsetOf(ref args, ref args.HeadCount), Is.EqualTo(136));
            Assert.That(OffsetOf(ref args, ref args.TopK), Is.EqualTo(144));
            Assert.That(OffsetOf(ref args, ref args.RowPtr), Is.EqualTo(152));
            Assert.That(OffsetOf(ref args, ref args.Blocks), Is.EqualTo(160));
        });
    }

    [Test]
    public void VsEstimateArgsMatchTheHeader()
    {
        var args = default(MiVsEstimateArgs);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiVsEstimateArgs>(), Is.EqualTo(160), "4-byte enum padded to 8, 5 x 8, 2 x 40, 8, 4 + 4, 2 x 8");
            Assert.That(OffsetOf(ref args, ref args.Batch), Is.EqualTo(8), "4-byte enum, then padding to int64");
            Assert.That(OffsetOf(ref args, ref args.QHeads), Is.EqualTo(16));
            Assert.That(OffsetOf(ref args, ref args.KvHeads), Is.EqualTo(24));
            Assert.That(OffsetOf(ref args, ref args.SeqLen), Is.EqualTo(32));
            Assert.That(OffsetOf(ref args, ref args.HeadDim), Is.EqualTo(40));
            Assert.That(OffsetOf(ref args, ref args.Q), Is.EqualTo(48));
            Assert.That(OffsetOf(ref args, ref args.K), Is.EqualTo(88));
            Assert.That(OffsetOf(ref args, ref args.Heads), Is.EqualTo(128));
            Assert.That(OffsetOf(ref args, ref args.HeadCount), Is.EqualTo(136));
            Assert.That(OffsetOf(ref args, ref args.SoftmaxScale), Is.EqualTo(140), "packed after head_count, no padding");
            Assert.That(OffsetOf(ref args, ref args.VerticalScores), Is.EqualTo(144));
            Assert.That(OffsetOf(ref args, ref args.SlashScores), Is.EqualTo(152));
        });
    }

    [Test]
    public void VsSelectArgsMatchTheHeader()
    {
        var args = default(MiVsSelectArgs);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiVsSelectArgs>(), Is.EqualTo(64), "4 x int64, 4 x pointer");
            Assert.That(OffsetOf(ref args, ref args.SeqLen), Is.EqualTo(8));
            Assert.That(OffsetOf(ref args, ref args.VerticalCount), Is.EqualTo(16));
            Assert.That(OffsetOf(ref args, ref args.SlashCount), Is.EqualTo(24));
            Assert.That(OffsetOf(ref args, ref args.VerticalScores), Is.EqualTo(32));
            Assert.That(OffsetOf(ref args, ref args.SlashScores), Is.EqualTo(40));
            Assert.That(OffsetOf(ref args, ref args.Verticals), Is.EqualTo(48));
            Assert.That(OffsetOf(ref args, ref args.Slashes), Is.EqualTo(56));
        });
    }

    [Test]
    public void VsIndexArgsMatchTheHeader()
    {
        var args = default(MiVsIndexArgs);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiVsIndexArgs>(), Is.EqualTo(96), "4 x int64, 4 x pointer, (pointer, int64) x 2");
            Assert.That(OffsetOf(ref args, ref args.SeqLen), Is.EqualTo(8));
            Assert.That(OffsetOf(ref args, ref args.VerticalCount), Is.EqualTo(16));
            Assert.That(OffsetOf(ref args, ref args.SlashCount), Is.EqualTo(24));
            Assert.That(OffsetOf(ref args, ref args.Verticals), Is.EqualTo(32));
            Assert.That(OffsetOf(ref args, ref args.Slashes), Is.EqualTo(40));
            Assert.That(OffsetOf(ref args, ref args.BlockRowPtr), Is.EqualTo(48));
            Assert.That(OffsetOf(ref args, ref args.ColumnRowPtr), Is.EqualTo(56));
            Assert.That(OffsetOf(ref args, ref args.BlockStarts), Is.EqualTo(64));
            Assert.That(OffsetOf(ref args, ref args.BlockCapacity), Is.EqualTo(72));
            Assert.That(OffsetOf(ref args, ref args.Columns), Is.EqualTo(80));
            Assert.That(OffsetOf(ref args, ref args.ColumnCapacity), Is.EqualTo(88));
        });
    }

    [Test]
    public void DeviceNameDecodesUpToTheTerminator()
    {
        var info = default(MiDeviceInfo);
        "NVIDIA H100\0garbage"u8.CopyTo(info.Name);
        Assert.That(info.GetName(), Is.EqualTo("NVIDIA H100"));
    }

    [Test]
    public void PublicDTypeValuesAreTheNativeOnes() => Assert.Multiple(() =>
    {
        Assert.That((int)DType.Float16, Is.EqualTo((int)MiDType.Float16));
        Assert.That((int)DType.BFloat16, Is.EqualTo((int)MiDType.BFloat16));
        Assert.That((int)DType.Float32, Is.EqualTo((int)MiDType.Float32));
    });

    [Test]
    public void DenseHeadsAttentionArgsMatchTheHeader()
    {
        var args = default(MiDenseHeadsAttentionArgs);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiDenseHeadsAttentionArgs>(), Is.EqualTo(264), "232 + 8 + 4, padded to 8, + 16 of routes");
            Assert.That(OffsetOf(ref args, ref args.Heads), Is.EqualTo(232));
            Assert.That(OffsetOf(ref args, ref args.HeadCount), Is.EqualTo(240));
            Assert.That(OffsetOf(ref args, ref args.Routes), Is.EqualTo(248));
        });
    }

    [Test]
    public void HeadRoutesMatchTheHeader()
    {
        var routes = default(MiHeadRoutes);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiHeadRoutes>(), Is.EqualTo(16), "pointer + int32, padded to 8");
            Assert.That(OffsetOf(ref routes, ref routes.RunDense), Is.EqualTo(8));
        });
    }

    [Test]
    public void VsRouteArgsMatchTheHeader()
    {
        var args = default(MiVsRouteArgs);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiVsRouteArgs>(), Is.EqualTo(120));
            Assert.That(OffsetOf(ref args, ref args.Heads), Is.EqualTo(24));
            Assert.That(OffsetOf(ref args, ref args.HeadCount), Is.EqualTo(32));
            Assert.That(OffsetOf(ref args, ref args.BlockRowPtr), Is.EqualTo(40), "int32, then padding to the pointer");
            Assert.That(OffsetOf(ref args, ref args.BlockCapacity), Is.EqualTo(56));
            Assert.That(OffsetOf(ref args, ref args.BlockTileCost), Is.EqualTo(72));
            Assert.That(OffsetOf(ref args, ref args.MaxDensity), Is.EqualTo(96));
            Assert.That(OffsetOf(ref args, ref args.Codes), Is.EqualTo(104));
            Assert.That(OffsetOf(ref args, ref args.Entries), Is.EqualTo(112));
        });
    }

    [Test]
    public void SlaMaskArgsMatchTheHeader()
    {
        var args = default(MiSlaMaskArgs);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiSlaMaskArgs>(), Is.EqualTo(208), "dtype padded to 8, 4 int64, 2 tensors of 40, 2 int64, smooth_keys padded to 8, 5 pointers, causal padded to 8, 2 doubles");
            Assert.That(OffsetOf(ref args, ref args.Batch), Is.EqualTo(8), "4-byte enum, then padding to int64");
            Assert.That(OffsetOf(ref args, ref args.Q), Is.EqualTo(40));
            Assert.That(OffsetOf(ref args, ref args.K), Is.EqualTo(80));
            Assert.That(OffsetOf(ref args, ref args.Critical), Is.EqualTo(120));
            Assert.That(OffsetOf(ref args, ref args.Negligible), Is.EqualTo(128));
            Assert.That(OffsetOf(ref args, ref args.SmoothKeys), Is.EqualTo(136));
            Assert.That(OffsetOf(ref args, ref args.CriticalRowPtr), Is.EqualTo(144), "int32, then padding to the pointer");
            Assert.That(OffsetOf(ref args, ref args.CriticalBlocks), Is.EqualTo(152));
            Assert.That(OffsetOf(ref args, ref args.NegligibleRowPtr), Is.EqualTo(160));
            Assert.That(OffsetOf(ref args, ref args.NegligibleBlocks), Is.EqualTo(168));
            Assert.That(OffsetOf(ref args, ref args.Classes), Is.EqualTo(176));
            Assert.That(OffsetOf(ref args, ref args.Causal), Is.EqualTo(184));
            Assert.That(OffsetOf(ref args, ref args.CriticalFraction), Is.EqualTo(192), "int32, then padding to the double");
            Assert.That(OffsetOf(ref args, ref args.NegligibleFraction), Is.EqualTo(200));
        });
    }

    [Test]
    public void SlaForwardArgsMatchTheHeader()
    {
        var args = default(MiSlaForwardArgs);
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<MiSlaForwardArgs>(), Is.EqualTo(384), "dtype padded to 8, 4 int64, 6 tensors of 40, 3 pointers, float + 2 int32 padded to 16, 2 indices of 24, a pointer, causal padded to 8");
            Assert.That(OffsetOf(ref args, ref args.Batch), Is.EqualTo(8), "4-byte enum, then padding to int64");
            Assert.That(OffsetOf(ref args, ref args.Q), Is.EqualTo(40));
            Assert.That(OffsetOf(ref args, ref args.K), Is.EqualTo(80));
            Assert.That(OffsetOf(ref args, ref args.V), Is.EqualTo(120));
            Assert.That(OffsetOf(ref args, ref args.O), Is.EqualTo(160));
            Assert.That(OffsetOf(ref args, ref args.OSparse), Is.EqualTo(200));
            Assert.That(OffsetOf(ref args, ref args.OLinear), Is.EqualTo(240));
            Assert.That(OffsetOf(ref args, ref args.Lse), Is.EqualTo(280));
            Assert.That(OffsetOf(ref args, ref args.ProjWeight), Is.EqualTo(288));
            Assert.That(OffsetOf(ref args, ref args.ProjBias), Is.EqualTo(296));
            Assert.That(OffsetOf(ref args, ref args.SoftmaxScale), Is.EqualTo(304));
            Assert.That(OffsetOf(ref args, ref args.FeatureMap), Is.EqualTo(308));
            Assert.That(OffsetOf(ref args, ref args.LinearBranch), Is.EqualTo(312));
            Assert.That(OffsetOf(ref args, ref args.Critical), Is.EqualTo(320), "int32, then padding to the pointer");
            Assert.That(OffsetOf(ref args, ref args.Negligible), Is.EqualTo(344));
            Assert.That(OffsetOf(ref args, ref args.LinearInvDen), Is.EqualTo(368));
            Assert.That(OffsetOf(ref args, ref args.Causal), Is.EqualTo(376));
        });
    }

    [Test]
    public void SlaBackwardArgsMatchTheHeader()
    {
        var args = default(MiSlaBackwardArgs);
        Assert.Multiple(() =>
        {
            Assert.That(
                Unsafe.SizeOf<MiSlaBackwardArgs>(),
                Is.EqualTo(512),
                "dtype padded to 8, 4 int64, 5 tensors of 40, 2 pointers, 4 tensors, 3 pointers, float + 2 int32 padded to 16, 2 indices of 24, causal padded to 8");
            Assert.That(OffsetOf(ref args, ref args.Batch), Is.EqualTo(8), "4-byte enum, then padding to int64");
            Assert.That(OffsetOf(ref args, ref args.HeadDim), Is.EqualTo(32));
            Assert.That(OffsetOf(ref args, ref args.Q), Is.EqualTo(40));
            Assert.That(OffsetOf(ref args, ref args.K), Is.EqualTo(80));
            Assert.That(OffsetOf(ref args, ref args.V), Is.EqualTo(120));
            Assert.That(OffsetOf(ref args, ref args.OSparse), Is.EqualTo(160));
            Assert.That(OffsetOf(ref args, ref args.OLinear), Is.EqualTo(200));
            Assert.That(OffsetOf(ref args, ref args.Lse), Is.EqualTo(240));
            Assert.That(OffsetOf(ref args, ref args.LinearInvDen), Is.EqualTo(248));
            Assert.That(OffsetOf(ref args, ref args.DO), Is.EqualTo(256));
            Assert.That(OffsetOf(ref args, ref args.DQ), Is.EqualTo(296));
            Assert.That(OffsetOf(ref args, ref args.DK), Is.EqualTo(336));
            Assert.That(OffsetOf(ref args, ref args.DV), Is.EqualTo(376));
            Assert.That(OffsetOf(ref args, ref args.DWeight), Is.EqualTo(416));
            Assert.That(OffsetOf(ref args, ref args.DBias), Is.EqualTo(424));
            Assert.That(OffsetOf(ref args, ref args.ProjWeight), Is.EqualTo(432));
            Assert.That(OffsetOf(ref args, ref args.SoftmaxScale), Is.EqualTo(440));
            Assert.That(OffsetOf(ref args, ref args.FeatureMap), Is.EqualTo(444));
            Assert.That(OffsetOf(ref args, ref args.LinearBranch), Is.EqualTo(448));
            Assert.That(OffsetOf(ref args, ref args.Critical), Is.EqualTo(456), "int32 ends at 452, then padding to the pointer");
            Assert.That(OffsetOf(ref args, ref args.Negligible), Is.EqualTo(480));
            Assert.That(OffsetOf(ref args, ref args.Causal), Is.EqualTo(504));
        });
    }

    [Test]
    public void PublicSlaEnumValuesAreTheNativeOnes() => Assert.Multiple(() =>
    {
        Assert.That((int)MInference.Sla.SlaFeatureMap.Softmax, Is.EqualTo((int)MiSlaFeatureMap.Softmax));
        Assert.That((int)MInference.Sla.SlaFeatureMap.EluPlusOne, Is.EqualTo((int)MiSlaFeatureMap.EluPlusOne));
        Assert.That((int)MInference.Sla.SlaFeatureMap.Relu, Is.EqualTo((int)MiSlaFeatureMap.Relu));
        Assert.That((int)MInference.Sla.SlaLinearBranch.MarginalBlocks, Is.EqualTo((int)MiSlaLinearBranch.MarginalBlocks));
        Assert.That((int)MInference.Sla.SlaLinearBranch.AllKeys, Is.EqualTo((int)MiSlaLinearBranch.AllKeys));
        Assert.That(Enum.GetValues<MInference.Sla.SlaFeatureMap>(), Has.Length.EqualTo(Enum.GetValues<MiSlaFeatureMap>().Length));
        Assert.That(Enum.GetValues<MInference.Sla.SlaLinearBranch>(), Has.Length.EqualTo(Enum.GetValues<MiSlaLinearBranch>().Length));
    });

    private static long OffsetOf<TStruct, TField>(ref TStruct container, ref TField field) =>
        Unsafe.ByteOffset(ref Unsafe.As<TStruct, byte>(ref container), ref Unsafe.As<TField, byte>(ref field));
}
