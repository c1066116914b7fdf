namespace MInference.Cli.Bench;

/// <summary>
/// One line of `bench sparse --json`; serialised with snake_case names (ms_estimate, tflops_kept, ...).
/// Times are GPU milliseconds, medians of the timed runs.
/// </summary>
/// <param name="Op">Always "sparse".</param>
/// <param name="Pattern">The CLI pattern name: vs, ashape, block, dense or grid.</param>
/// <param name="Params">The pattern's parameters, then the fallback policy (min_seq, max_density) and how many heads ran dense (dense_fallback_heads).</param>
/// <param name="Seq">N.</param>
/// <param name="Heads">Query heads.</param>
/// <param name="KvHeads">Key/value heads.</param>
/// <param name="HeadDim">head_dim.</param>
/// <param name="Dtype">bf16 or fp16.</param>
/// <param name="Data">random, structured or video.</param>
/// <param name="MsEstimate">Estimation (vertical-slash scoring and selection; block-sparse estimation).</param>
/// <param name="MsIndex">Vertical-slash index conversion.</param>
/// <param name="MsAttention">The attention launches.</param>
/// <param name="MsKernels">The layer's steps timed one by one (estimation, index, attention): its kernel time.</param>
/// <param name="MsTotal">The eager layer end to end (a plan's run with graph replay off: every kernel launched by the host), timed without per-step events, from an idle GPU: it includes the host time before the first kernel starts.</param>
/// <param name="MsPipelined">The eager layer run back to back (the timed runs enqueued between one pair of events, divided by their count): what a layer costs inside a model's forward pass, where the host enqueues ahead of the GPU.</param>
/// <param name="MsHost">The host time of one eager run (validation and launches, until Run returns).</param>
/// <param name="MsGraph">The layer replayed as a CUDA graph, with <c>--graph</c>; otherwise null.</param>
/// <param name="Density">Computed entries over the heads · N(N+1)/2 causal entries, counted exactly on the indices.</param>
/// <param name="TflopsKept">4 · computed entries · head_dim / attention time.</param>
/// <param name="DenseMs">Our dense causal kernel on the same tensors, in the same run.</param>
/// <param name="DenseTflops">4 · heads · N(N+1)/2 · head_dim / dense time.</param>
/// <param name="SpeedupVsDense">DenseMs / MsTotal.</param>
/// <param name="RelL2">Relative L2 error of the layer's output against our dense kernel's on the same tensors (all heads).</param>
/// <param name="Device">The GPU's name.</param>
internal sealed record SparseBenchmarkResult(
    string Op,
    string Pattern,
    Dictionary<string, double> Params,
    int Seq,
    int Heads,
    int KvHeads,
    int HeadDim,
    string Dtype,
    string Data,
    double MsEstimate,
    double MsIndex,
    double MsAttention,
    double MsKernels,
    double MsTotal,
    double MsPipelined,
    double MsHost,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] double? MsGraph,
    double Density,
    double TflopsKept,
    double DenseMs,
    double DenseTflops,
    double SpeedupVsDense,
    double RelL2,
    string Device,
    string Mainloop);
