using System.Runtime.InteropServices;

namespace MInference.Interop;

internal static unsafe partial class MiNative
{
    /// <summary>Bytes of workspace <see cref="mi_sla_mask"/> needs for <paramref name="args"/>' shapes.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_sla_mask_workspace_size")]
    internal static partial MiStatusCode mi_sla_mask_workspace_size(in MiSlaMaskArgs args, out long bytes);

    /// <summary>The entries the mask writes into its critical and negligible indices, over every (batch, head).</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_sla_mask_index_entries")]
    internal static partial MiStatusCode mi_sla_mask_index_entries(in MiSlaMaskArgs args, out long critical_entries, out long negligible_entries);

    /// <summary>SLA's mask prediction (pooled scores, critical and negligible indices, optional classes), asynchronous.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_sla_mask")]
    internal static partial MiStatusCode mi_sla_mask(in MiSlaMaskArgs args, nint workspace, long workspace_bytes, StreamHandle stream);

    /// <summary>Bytes of workspace <see cref="mi_sla_forward"/> needs for <paramref name="args"/>' shapes.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_sla_forward_workspace_size")]
    internal static partial MiStatusCode mi_sla_forward_workspace_size(in MiSlaForwardArgs args, out long bytes);

    /// <summary>SLA's forward: O = O_s + Proj(O_l) over a predicted mask, asynchronous.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_sla_forward")]
    internal static partial MiStatusCode mi_sla_forward(in MiSlaForwardArgs args, nint workspace, long workspace_bytes, StreamHandle stream);

    /// <summary>Bytes of workspace <see cref="mi_sla_backward"/> needs for <paramref name="args"/>' shapes and indices.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_sla_backward_workspace_size")]
    internal static partial MiStatusCode mi_sla_backward_workspace_size(in MiSlaBackwardArgs args, out long bytes);

    /// <summary>SLA's backward: dQ, dK, dV, dW and db for dO over the forward's mask, deterministic, asynchronous.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_sla_backward")]
    internal static partial MiStatusCode mi_sla_backward(in MiSlaBackwardArgs args, nint workspace, long workspace_bytes, StreamHandle stream);
}
