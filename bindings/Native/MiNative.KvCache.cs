using System.Runtime.InteropServices;

namespace MInference.Interop;

internal static unsafe partial class MiNative
{
    /// <summary>One token per sequence into the window at the device lengths, full windows flushed to staging; asynchronous on <paramref name="stream"/>.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_kv_append_step")]
    internal static partial MiStatusCode mi_kv_append_step(in MiKvAppendStepArgs args, StreamHandle stream);

    /// <summary>Rows of one sequence into its window, and its two device lengths set; asynchronous on <paramref name="stream"/>.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_kv_write_window")]
    internal static partial MiStatusCode mi_kv_write_window(in MiKvWriteWindowArgs args, StreamHandle stream);
}
