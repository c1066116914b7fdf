using System.Runtime.CompilerServices;
using MInference.Interop;

namespace MInference.Tests.Interop;

/// <summary>
/// The native checks of <c>mi_pq_kmeans</c> and its size query that come before any driver call
/// (sizes, alignment, workspace size, overlaps), on fake device addresses: they need the library,
/// not a GPU. Each bad argument must be reported as an invalid argument naming it.
/// </summary>
public sealed class PqKMeansValidationTests
{
    private const nint Workspace = 0x3000_0000;
    private const long WorkspaceBytes = 2 * 300;

    [OneTimeSetUp]
    public void RequireNativeLibrary()
    {
        if (!MiLibrary.LoadResult.IsLoaded)
        {
            Assert.Ignore($"native library unavailable: {MiLibrary.LoadResult.FailureReason}");
        }
    }

    private static MiPqKMeansArgs Valid() => new()
    {
        Problems = 2,
        Points = 300,
        Dim = 2,
        Iterations = 3,
        Data = 0x1000_0000,
        InitialCentroids = 0x2000_0000,
        Centroids = 0x2000_0000,
    };

    private static IEnumerable<TestCaseData> BadSizes()
    {
        yield return Case(a => a with { Problems = 0 }, "problems=0 must be in [1, 2147483647]");
        yield return Case(a => a with { Points = 0 }, "points=0 must be in [1, 2147483647]");
        yield return Case(a => a with { Points = 1L << 31 }, "points=2147483648");
        yield return Case(a => a with { Dim = 0 }, "dim=0 must be in [1, 4]");
        yield return Case(a => a with { Dim = 5 }, "dim=5 must be in [1, 4]");
        yield return Case(a => a with { Iterations = -1 }, "iterations=-1");
        yield return Case(a => a with { Problems = 1 << 30, Points = 1 << 30 }, "at most 2^50");
    }

    private static IEnumerable<TestCaseData> BadCalls()
    {
        foreach (TestCaseData sizes in BadSizes())
        {
            yield return sizes;
        }

        yield return Case(a => a with { Data = 0 }, "data must not be NULL");
        yield return Case(a => a with { Data = 0x1000_0002 }, "data must be 4-byte aligned");
        yield return Case(a => a with { InitialCentroids = 0 }, "initial_centroids must not be NULL");
        yield return Case(a => a with { Centroids = 0x2000_0001 }, "centroids must be 4-byte aligned");
        yield return Case(a => a with { Centroids = 0x2000_0000 + 1024 }, "centroids and initial_centroids must not overlap");
        yield return Case(a => a with { InitialCentroids = 0x1000_0000 + 64, Centroids = 0x1000_0000 + 64 }, "centroids and data must not overlap");
        yield return Case(a => a with { Assignments = 0x1000_0000 + 100 }, "assignments and data must not overlap");
        yield return Case(a => a with { Assignments = 0x2000_0000 + 4 }, "assignments and initial_centroids must not overlap");
        yield return Case(a => a with { Assignments = Workspace + 1 }, "workspace and assignments must not overlap");
        yield return Case(a => a with { Data = Workspace - 8 }, "workspace and data must not overlap");
    }

    /// <summary>The valid arguments after <paramref name="change"/> (a <c>Func&lt;MiPqKMeansArgs, MiPqKMeansArgs&gt;</c>: the struct is internal, test methods are public).</summary>
    private static MiPqKMeansArgs Changed(Delegate change) => ((Func<MiPqKMeansArgs, MiPqKMeansArgs>)change)(Valid());

    private static TestCaseData Case(Func<MiPqKMeansArgs, MiPqKMeansArgs> change, string message) =>
        new TestCaseData(change, message).SetArgDisplayNames(message);

    [Test]
    public void TheWorkspaceIsOneBytePerPoint()
    {
        MiPqKMeansArgs args = Valid();
        MiStatus.ThrowIfFailed(MiNative.mi_pq_kmeans_workspace_size(in args, out long bytes));
        Assert.That(bytes, Is.EqualTo(WorkspaceBytes));
    }

    [TestCaseSource(nameof(BadSizes))]
    public void TheSizeQueryRejects(Delegate change, string message)
    {
        MiPqKMeansArgs args = Changed(change);
        Assert.That(() => MiStatus.ThrowIfFailed(MiNative.mi_pq_kmeans_workspace_size(in args, out _)),
            Throws.TypeOf<NativeArgumentException>().With.Message.Contains(message));
    }

    [TestCaseSource(nameof(BadCalls))]
    public void TheCallRejects(Delegate change, string message)
    {
        MiPqKMeansArgs args = Changed(change);
        Assert.That(() => Call(args, Workspace, WorkspaceBytes), Throws.TypeOf<NativeArgumentException>().With.Message.Contains(message));
    }

    [Test]
    public void TheCallRejectsAMissingOrShortWorkspace()
    {
        MiPqKMeansArgs args = Valid();
        Assert.Multiple(() =>
        {
            Assert.That(() => Call(args, 0, WorkspaceBytes), Throws.TypeOf<NativeArgumentException>().With.Message.Contains("mi_pq_kmeans_workspace_size"));
            Assert.That(() => Call(args, Workspace, WorkspaceBytes - 1), Throws.TypeOf<NativeArgumentException>().With.Message.Contains("workspace holds 599 bytes; 600 needed"));
        });
    }

    [Test]
    public void NullArgumentsAreRejected()
    {
        // A null reference pins to a NULL pointer: what a C caller could pass.
        Assert.Multiple(() =>
        {
            Assert.That(() => MiStatus.ThrowIfFailed(MiNative.mi_pq_kmeans_workspace_size(in Unsafe.NullRef<MiPqKMeansArgs>(), out _)),
                Throws.TypeOf<NativeArgumentException>().With.Message.Contains("args must not be NULL"));
            Assert.That(() => CallWithoutArgs(), Throws.TypeOf<NativeArgumentException>().With.Message.Contains("args must not be NULL"));
        });
    }

    private static void CallWithoutArgs()
    {
        using var stream = new StreamHandle(0);
        MiStatus.ThrowIfFailed(MiNative.mi_pq_kmeans(in Unsafe.NullRef<MiPqKMeansArgs>(), Workspace, WorkspaceBytes, stream));
    }

    private static void Call(MiPqKMeansArgs args, nint workspace, long bytes)
    {
        using var stream = new StreamHandle(0);
        MiStatus.ThrowIfFailed(MiNative.mi_pq_kmeans(in args, workspace, bytes, stream));
    }
}
