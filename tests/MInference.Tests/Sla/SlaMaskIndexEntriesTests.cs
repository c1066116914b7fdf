using MInference.Interop;
using MInference.Sla;

namespace MInference.Tests.Sla;

/// <summary>
/// The sizes of a device mask's indices: <see cref="SlaDeviceMask"/> allocates what the CPU mask's
/// per-row counts add up to, and the native size query (mi_sla_mask_index_entries, no device needed)
/// agrees on every row count rule, bidirectional and causal.
/// </summary>
public sealed class SlaMaskIndexEntriesTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (int n in new[] { 1, 63, 65, 1000, 32760 })
        {
            foreach ((double critical, double negligible) in new[] { (0.05, 0.1), (1e-9, 0.3), (0.3, 0.2), (1.0, 0.0), (0.5, 0.5) })
            {
                foreach (bool causal in new[] { false, true })
                {
                    yield return new TestCaseData(n, critical, negligible, causal)
                        .SetArgDisplayNames($"N{n} k_h {critical:G3} k_l {negligible:G3}{(causal ? " causal" : string.Empty)}");
                }
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void TheMaskAllocatesTheRowCountsSummed(int n, double critical, double negligible, bool causal)
    {
        var options = new SlaOptions { CriticalFraction = critical, NegligibleFraction = negligible, Causal = causal };
        var shape = new SlaShape(2, 3, n, 0);
        long expectedCritical = 0, expectedNegligible = 0;
        for (int row = 0; row < shape.Blocks; row++)
        {
            int visible = causal ? row + 1 : shape.Blocks;
            expectedCritical += options.CriticalBlocks(visible);
            expectedNegligible += options.NegligibleBlocks(visible);
        }

        (long managedCritical, long managedNegligible) = SlaDeviceMask.IndexEntries(shape, options);
        Assert.Multiple(() =>
        {
            Assert.That(managedCritical, Is.EqualTo(6 * expectedCritical), "critical entries");
            Assert.That(managedNegligible, Is.EqualTo(6 * expectedNegligible), "negligible entries");
        });
    }

    [TestCaseSource(nameof(Cases))]
    public void TheNativeQueryAgrees(int n, double critical, double negligible, bool causal)
    {
        RequireNativeLibrary();
        var options = new SlaOptions { CriticalFraction = critical, NegligibleFraction = negligible, Causal = causal };
        var shape = new SlaShape(2, 3, n, 0);
        int blocks = shape.Blocks;
        (long managedCritical, long managedNegligible) = SlaDeviceMask.IndexEntries(shape, options);
        var args = new MiSlaMaskArgs
        {
            DType = MiDType.BFloat16,
            Batch = 2,
            Heads = 3,
            SeqLen = n,
            HeadDim = 64,
            Critical = options.CriticalBlocks(blocks),
            Negligible = options.NegligibleBlocks(blocks),
            SmoothKeys = 1,
            Causal = causal ? 1 : 0,
            CriticalFraction = critical,
            NegligibleFraction = negligible,
        };
        MiStatus.ThrowIfFailed(MiNative.mi_sla_mask_index_entries(in args, out long nativeCritical, out long nativeNegligible));
        Assert.Multiple(() =>
        {
            Assert.That(nativeCritical, Is.EqualTo(managedCritical), "native critical entries");
            Assert.That(nativeNegligible, Is.EqualTo(managedNegligible), "native negligible entries");
        });
    }

    [Test]
    public void TheNativeQueryRejectsBadCausalFractions()
    {
        RequireNativeLibrary();
        AssertRejections();
    }

    private static void RequireNativeLibrary()
    {
        if (!MiLibrary.LoadResult.IsLoaded)
        {
            Assert.Ignore($"native library unavailable: {MiLibrary.LoadResult.FailureReason}");
        }
    }

    private static void AssertRejections() => Assert.Multiple(() =>
    {
        foreach ((double critical, double negligible, string message) in new[]
        {
            (0.0, 0.1, "critical_fraction"), (1.5, 0.1, "critical_fraction"), (double.NaN, 0.1, "critical_fraction"),
            (0.1, 1.0, "negligible_fraction"), (0.1, -0.1, "negligible_fraction"),
        })
        {
            var args = new MiSlaMaskArgs
            {
                DType = MiDType.BFloat16, Batch = 1, Heads = 1, SeqLen = 256, HeadDim = 64, SmoothKeys = 1,
                Causal = 1, CriticalFraction = critical, NegligibleFraction = negligible,
            };
            Assert.That(
                () => MiStatus.ThrowIfFailed(MiNative.mi_sla_mask_index_entries(in args, out _, out _)),
                Throws.TypeOf<NativeArgumentException>().With.Message.Contains(message), $"k_h {critical}, k_l {negligible}");
        }

        var notCausal = new MiSlaMaskArgs { DType = MiDType.BFloat16, Batch = 1, Heads = 1, SeqLen = 256, HeadDim = 64, Causal = 2, Critical = 1 };
        Assert.That(() => MiStatus.ThrowIfFailed(MiNative.mi_sla_mask_index_entries(in notCausal, out _, out _)), Throws.TypeOf<NativeArgumentException>().With.Message.Contains("causal=2"));
    });
}
