using System.Runtime.InteropServices;

namespace MInference.Interop;

internal static unsafe partial class MiNative
{
    /// <summary><c>MI_GRID_MAX_CANDIDATES</c>: candidate strides one <see cref="mi_grid_estimate"/> call takes.</summary>
    internal const int GridMaxCandidates = 256;

    /// <summary>Online grid estimation from the last-query profiles: strides, phases and token orders; asynchronous.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_grid_estimate")]
    internal static partial MiStatusCode mi_grid_estimate(in MiGridEstimateArgs args, StreamHandle stream);

    /// <summary>Calls <see cref="mi_grid_estimate"/> with <paramref name="candidates"/> pinned for the call.</summary>
    internal static MiStatusCode GridEstimate(MiGridEstimateArgs args, ReadOnlySpan<int> candidates, StreamHandle stream)
    {
        fixed (int* list = candidates)
        {
            args.Candidates = (nint)list;
            args.CandidateCount = candidates.Length;
            return mi_grid_estimate(in args, stream);
        }
    }
}
