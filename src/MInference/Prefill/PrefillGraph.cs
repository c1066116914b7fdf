using MInference.Interop;

namespace MInference.Prefill;

/// <summary>
/// A layer recorded by <see cref="SparsePrefillPlan.CaptureGraph"/>: one launch replays every
/// kernel of the run on the buffers it was captured with. Dispose it before the plan and buffers.
/// </summary>
public sealed class PrefillGraph : IDisposable
{
    private readonly GpuContext _context;
    private readonly GraphHandle _graph;
    private readonly Action _launched;

    /// <param name="context">The context whose stream replays run on.</param>
    /// <param name="graph">The instantiated graph.</param>
    /// <param name="launched">Tells the plan a replay filled its workspace (its report may be read).</param>
    internal PrefillGraph(GpuContext context, GraphHandle graph, Action launched)
    {
        _context = context;
        _graph = graph;
        _launched = launched;
    }

    /// <summary>Enqueues one replay on the context's stream (asynchronous).</summary>
    /// <exception cref="ObjectDisposedException">The graph or the context is disposed.</exception>
    /// <exception cref="CudaException">The launch failed.</exception>
    public void Launch()
    {
        ObjectDisposedException.ThrowIf(_graph.IsClosed, this);
        _context.MakeCurrent();
        MiStatus.ThrowIfFailed(MiNative.mi_graph_launch(_graph, _context.Stream.Handle));
        _launched();
    }

    /// <summary>Destroys the graph.</summary>
    public void Dispose() => _graph.Dispose();
}
