using System.Runtime.InteropServices;

namespace MInference.Interop;

internal static unsafe partial class MiNative
{
    /// <summary>Workspace bytes of <see cref="mi_pq_kmeans"/> for these sizes.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_pq_kmeans_workspace_size")]
    internal static partial MiStatusCode mi_pq_kmeans_workspace_size(in MiPqKMeansArgs args, out long bytes);

    /// <summary>Lloyd iterations of many k-means problems (codebook training), asynchronous on <paramref name="stream"/>.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_pq_kmeans")]
    internal static partial MiStatusCode mi_pq_kmeans(in MiPqKMeansArgs args, nint workspace, long workspaceBytes, StreamHandle stream);
}
