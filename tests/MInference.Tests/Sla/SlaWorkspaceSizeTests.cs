using MInference.Interop;
using MInference.Sla;

namespace MInference.Tests.Sla;

/// <summary>
/// The native workspace queries of SLA's forward and backward (host-only: no device needed) for the
/// paper's branch, whose marginal states take a chunk of groups at a time: the backward's peak extra
/// memory stays within twice the size of Q (issue #13's target) and the forward's within the size of
/// Q, at video-model shapes where a group's states are a small share of Q.
/// </summary>
public sealed class SlaWorkspaceSizeTests
{
    private static IEnumerable<TestCaseData> Shapes()
    {
        yield return new TestCaseData(1, 12, 32760, 128).SetArgDisplayNames("Wan2.1-1.3B 1x12x32760x128");
        yield return new TestCaseData(1, 24, 76800, 128).SetArgDisplayNames("HunyuanVideo-like 1x24x76800x128");
        yield return new TestCaseData(2, 16, 8192, 64).SetArgDisplayNames("2x16x8192x64");
    }

    [TestCaseSource(nameof(Shapes))]
    public void TheBackwardStaysWithinTwiceQ(int batch, int heads, int n, int headDim)
    {
        RequireNativeLibrary();
        MiSlaBackwardArgs args = BackwardArgs(batch, heads, n, headDim);
        MiStatus.ThrowIfFailed(MiNative.mi_sla_backward_workspace_size(in args, out long bytes));
        Assert.That(bytes, Is.LessThanOrEqualTo(2 * QueryBytes(batch, heads, n, headDim)));
    }

    [TestCaseSource(nameof(Shapes))]
    public void TheForwardStaysWithinQ(int batch, int heads, int n, int headDim)
    {
        RequireNativeLibrary();
        MiSlaForwardArgs args = ForwardArgs(batch, heads, n, headDim);
        MiStatus.ThrowIfFailed(MiNative.mi_sla_forward_workspace_size(in args, out long bytes));
        Assert.That(bytes, Is.LessThanOrEqualTo(QueryBytes(batch, heads, n, headDim)));
    }

    [TestCase(65536, 1)]
    [TestCase(1, 65536)]
    [TestCase(256, 257)]
    public void MoreThan65535GroupsAreRefused(int batch, int heads)
    {
        RequireNativeLibrary();
        MiSlaForwardArgs forward = ForwardArgs(batch, heads, 64, 64);
        MiSlaBackwardArgs backward = BackwardArgs(batch, heads, 64, 64);
        Assert.Multiple(() =>
        {
            Assert.That(() => MiStatus.ThrowIfFailed(MiNative.mi_sla_forward_workspace_size(in forward, out _)),
                Throws.TypeOf<NativeArgumentException>().With.Message.Contains("must be at most 65535"));
            Assert.That(() => MiStatus.ThrowIfFailed(MiNative.mi_sla_backward_workspace_size(in backward, out _)),
                Throws.TypeOf<NativeArgumentException>().With.Message.Contains("must be at most 65535"));
        });
    }

    private static long QueryBytes(int batch, int heads, int n, int headDim) => 2L * batch * heads * n * headDim;

    private static (long Critical, long Negligible) Entries(int batch, int heads, int n, int headDim) =>
        SlaDeviceMask.IndexEntries(new SlaShape(batch, heads, n, headDim), new SlaOptions());

    private static MiSlaBackwardArgs BackwardArgs(int batch, int heads, int n, int headDim)
    {
        (long critical, long negligible) = Entries(batch, heads, n, headDim);
        return new MiSlaBackwardArgs
        {
            DType = MiDType.BFloat16,
            Batch = batch,
            Heads = heads,
            SeqLen = n,
            HeadDim = headDim,
            LinearBranch = MiSlaLinearBranch.MarginalBlocks,
            Critical = new MiCsrIndex { ValueCount = critical },
            Negligible = new MiCsrIndex { ValueCount = negligible },
        };
    }

    private static MiSlaForwardArgs ForwardArgs(int batch, int heads, int n, int headDim)
    {
        (long critical, long negligible) = Entries(batch, heads, n, headDim);
        return new MiSlaForwardArgs
        {
            DType = MiDType.BFloat16,
            Batch = batch,
            Heads = heads,
            SeqLen = n,
            HeadDim = headDim,
            LinearBranch = MiSlaLinearBranch.MarginalBlocks,
            Critical = new MiCsrIndex { ValueCount = critical },
            Negligible = new MiCsrIndex { ValueCount = negligible },
        };
    }

    private static void RequireNativeLibrary()
    {
        if (!MiLibrary.LoadResult.IsLoaded)
        {
            Assert.Ignore($"native library unavailable: {MiLibrary.LoadResult.FailureReason}");
        }
    }
}
