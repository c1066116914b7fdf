namespace MInference.Cli.Bench;

/// <summary>One line of `bench dense --json`; serialised with snake_case names (kv_heads, ms_median, ...).</summary>
internal sealed record DenseBenchmarkResult(
    string Op,
    int Batch,
    int Seq,
    int Heads,
    int KvHeads,
    int HeadDim,
    string Dtype,
    bool Causal,
    int Warmup,
    int Iters,
    double MsMedian,
    double MsMin,
    double Tflops,
    string Device,
    string Mainloop);
